import type { MappingEntry } from '../mappings/mapping-file';
import { DEFAULT_STRIPE_VERSION } from '../stripe/api-version';
import { buildPriceObject, type StripePrice } from '../stripe/objects/price-object';
import { buildProductObject, type ProductFacts, type StripeProduct } from '../stripe/objects/product-object';
import { priceFactsFromMapping, productFactsFromMapping } from '../translate/mapping-to-price';
import type { CatalogView } from './catalog-snapshots';

/** How an object is shown: the request's version and mode, or for events the default version. */
export interface Presentation {
  livemode: boolean;
  stripeVersion: string;
}

export const eventPresentation = (livemode: boolean): Presentation => ({ livemode, stripeVersion: DEFAULT_STRIPE_VERSION });

/** The product a price entry names, as the view describes it. */
export function productOfEntry(view: CatalogView, entry: MappingEntry): ProductFacts {
  return (entry.stripeProductId ? view.product(entry.stripeProductId) : undefined) ?? productFactsFromMapping(entry, undefined);
}

/**
 * A product's `default_price` may name a price the mapping tool skipped (Loops cannot represent
 * it): it would 404 here. Only a price this gateway serves is named.
 */
export function withServedDefaultPrice(view: CatalogView, facts: ProductFacts): ProductFacts {
  return facts.defaultPriceId && !view.prices.has(facts.defaultPriceId) ? { ...facts, defaultPriceId: null } : facts;
}

type RenderedProduct = Omit<StripeProduct, 'default_price'> & { default_price: string | StripePrice | null };
type RenderedPrice = Omit<StripePrice, 'product'> & { product: string | RenderedProduct };

/** A product, its `default_price` expanded to the price object when asked. */
export function renderProduct(view: CatalogView, facts: ProductFacts, how: Presentation, expandDefaultPrice = false): RenderedProduct {
  const product = buildProductObject(withServedDefaultPrice(view, facts), how.livemode, how.stripeVersion);
  const defaultPriceId = product.default_price;
  if (!expandDefaultPrice || !defaultPriceId) return product;
  const entry = view.prices.get(defaultPriceId);
  return { ...product, default_price: entry ? buildPriceObject(priceFactsFromMapping(defaultPriceId, entry), how.livemode) : null };
}

/** A price, its `product` expanded to the product object when asked. */
export function renderPrice(view: CatalogView, id: string, entry: MappingEntry, how: Presentation, expandProduct = false): RenderedPrice {
  const price = buildPriceObject(priceFactsFromMapping(id, entry), how.livemode);
  if (!expandProduct) return price;
  return { ...price, product: renderProduct(view, productOfEntry(view, entry), how) };
}
