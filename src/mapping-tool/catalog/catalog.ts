import type { z } from 'zod';
import { deletedProductSchema, stripePriceSchema, stripeProductSchema, type StripePriceJson, type StripeProductJson } from './stripe-catalog-schemas';

/** What an export of prices needs to carry each price's product (`--from-file`). */
export const EXPAND_PRODUCT_HINT =
  'export prices with `stripe prices list --expand data.product` (or append `stripe products list` output to the file)';

/** A Stripe price with its product reduced to an id; the product itself is in `Catalog.products`. */
export type CatalogPrice = Omit<StripePriceJson, 'product'> & { productId: string };

/** What the tool read from Stripe (API or export), whichever way the objects arrived. */
export interface Catalog {
  /** Unique by id, in the order read. */
  prices: CatalogPrice[];
  products: Map<string, StripeProductJson>;
  deletedProducts: Set<string>;
  /** Objects that are not a readable Stripe price or product: reported, never guessed at. */
  unreadable: { id: string; problem: string }[];
  /**
   * Prices read as objects of their own (a prices list), as opposed to only as a product's
   * expanded `default_price`: an export without any holds at most one price per product.
   */
  standalonePrices: number;
  /** Products that came with their `default_price` expanded. */
  productsWithDefaultPrice: number;
}

/**
 * Collects prices and products from lists, expanded `price.product` and expanded
 * `product.default_price`, so both "prices with product expanded" and "products with their prices"
 * give the same catalog.
 */
export function createCatalogBuilder() {
  const prices = new Map<string, CatalogPrice>();
  const products = new Map<string, StripeProductJson>();
  const deletedProducts = new Set<string>();
  const unreadable: Catalog['unreadable'] = [];
  let standalonePrices = 0;
  let productsWithDefaultPrice = 0;

  function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> | undefined {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    unreadable.push({ id: idOf(raw), problem: `${issue?.path.join('.') || 'object'}: ${issue?.message ?? 'invalid'}` });
    return undefined;
  }

  function addProductObject(product: StripeProductJson): void {
    products.set(product.id, product);
    const defaultPrice = product.default_price;
    if (typeof defaultPrice === 'object' && defaultPrice !== null) {
      // `expand[]=data.default_price` nests the price without its product: it is this product.
      productsWithDefaultPrice++;
      readPrice({ ...defaultPrice, product: product.id });
    }
  }

  function addPrice(raw: unknown): void {
    standalonePrices++;
    readPrice(raw);
  }

  function readPrice(raw: unknown): void {
    const price = parse(stripePriceSchema, raw);
    if (!price) return;
    const { product, ...rest } = price;
    if (typeof product !== 'string') {
      if ('deleted' in product) deletedProducts.add(product.id);
      else if (!products.has(product.id)) addProductObject(product);
    }
    const productId = typeof product === 'string' ? product : product.id;
    prices.set(price.id, { ...rest, productId });
  }

  function addProduct(raw: unknown): void {
    if (deletedProductSchema.safeParse(raw).success) {
      deletedProducts.add(idOf(raw));
      return;
    }
    const product = parse(stripeProductSchema, raw);
    if (product) addProductObject(product);
  }

  /** Dispatches on Stripe's `object` field. */
  function addObject(raw: unknown): void {
    const kind = typeof raw === 'object' && raw !== null && 'object' in raw ? raw.object : undefined;
    if (kind === 'price') addPrice(raw);
    else if (kind === 'product') addProduct(raw);
    else unreadable.push({ id: idOf(raw), problem: `not a Stripe price or product (object: ${JSON.stringify(kind ?? null)})` });
  }

  const build = (): Catalog => ({
    prices: [...prices.values()],
    products,
    deletedProducts,
    unreadable,
    standalonePrices,
    productsWithDefaultPrice,
  });
  return { addPrice, addProduct, addObject, build };
}

function idOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '(no id)';
}
