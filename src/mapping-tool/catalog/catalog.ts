import type { z } from 'zod';
import { deletedProductSchema, stripePriceSchema, stripeProductSchema, type StripePriceJson, type StripeProductJson } from './stripe-catalog-schemas';

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
      addPrice({ ...defaultPrice, product: product.id });
    }
  }

  function addPrice(raw: unknown): void {
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

  const build = (): Catalog => ({ prices: [...prices.values()], products, deletedProducts, unreadable });
  return { addPrice, addProduct, addObject, build };
}

function idOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '(no id)';
}
