import { GatewayError } from '../errors';
import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import type { MappingStore } from '../store/mapping-store';
import { isWellFormedId, noSuchObject } from '../stripe/ids';
import { buildListObject } from '../stripe/objects/list-object';
import { buildPriceObject } from '../stripe/objects/price-object';
import { buildProductObject, type ProductFacts } from '../stripe/objects/product-object';
import { checkCursors, matchesCreated } from '../stripe/params/list-params';
import type { ParamBag } from '../stripe/params/param-bag';
import { validateParams } from '../stripe/params/validate-params';
import { priceFactsFromMapping, productFactsFromMapping } from '../translate/mapping-to-price';
import type { CallContext } from './call-context';
import { listPricesSchema, parseCatalogExpand, retrieveCatalogSchema, type ListPricesParams } from './catalog-params';
import { paginateArray } from './checkout-sessions/paginate-array';

/**
 * How long one tenant's sorted price list is reused by `GET /v1/prices`. A pricing page lists on
 * every view; re-reading and re-validating 10,000 mappings each time would put Redis on that path.
 * Mappings change a few times a day (`mappings load`), so a couple of seconds is invisible.
 */
export const CATALOG_LIST_CACHE_MS = 2000;

type Priced = { id: string; entry: MappingEntry };
type Snapshot = { until: number; prices: Priced[] };

/**
 * The imported catalog read back as Stripe would answer it (product.md "The gateway can answer
 * GET /v1/prices…"), from the tenant's mapping store: merchant code that renders a pricing page
 * with `stripe.prices.list` keeps working. Ids are the merchant's own Stripe ids.
 */
export function createCatalogService(deps: { mappings: MappingStore; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const snapshots = new Map<string, Snapshot>();

  async function snapshot(tenantId: string): Promise<Snapshot> {
    const cached = snapshots.get(tenantId);
    if (cached && cached.until > now()) return cached;
    const all = Object.entries(await deps.mappings.allPrices(tenantId)).map(([id, entry]) => ({ id, entry }));
    // Stripe lists newest first; the id breaks ties so cursors stay stable.
    all.sort((a, b) => (b.entry.created ?? 0) - (a.entry.created ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const fresh = { until: now() + CATALOG_LIST_CACHE_MS, prices: all };
    snapshots.set(tenantId, fresh);
    return fresh;
  }

  const sortedPrices = async (tenantId: string): Promise<Priced[]> => (await snapshot(tenantId)).prices;

  async function renderPrice(call: CallContext, id: string, entry: MappingEntry, expandProduct: boolean) {
    const price = buildPriceObject(priceFactsFromMapping(id, entry), call.livemode);
    if (!expandProduct) return price;
    const tenantId = call.tenant.config.id;
    const info = entry.stripeProductId ? await deps.mappings.getProduct(tenantId, entry.stripeProductId) : undefined;
    const facts = await withServedDefaultPrice(tenantId, productFacts(entry, info));
    return { ...price, product: buildProductObject(facts, call.livemode) };
  }

  /**
   * A product's `default_price` names a Stripe price the mapping tool may have skipped (Loops
   * cannot represent it): here it would 404. Only a price this gateway serves is named.
   */
  async function withServedDefaultPrice(tenantId: string, facts: ProductFacts): Promise<ProductFacts> {
    if (!facts.defaultPriceId) return facts;
    const served = (await deps.mappings.getPrice(tenantId, facts.defaultPriceId)) !== undefined;
    return served ? facts : { ...facts, defaultPriceId: null };
  }

  async function retrievePrice(call: CallContext, id: string, bag: ParamBag) {
    const params = validateParams(retrieveCatalogSchema, bag);
    const expandProduct = parseCatalogExpand(params.expand, ['product']).has('product');
    const entry = isWellFormedId('price', id) ? await deps.mappings.getPrice(call.tenant.config.id, id) : undefined;
    if (!entry) throw noSuchObject('price', id);
    return renderPrice(call, id, entry, expandProduct);
  }

  async function listPrices(call: CallContext, bag: ParamBag) {
    const params = validateParams(listPricesSchema, bag);
    checkCursors(params);
    const expandProduct = parseCatalogExpand(params.expand, ['data.product']).has('data.product');
    const matching = (await sortedPrices(call.tenant.config.id)).filter(({ entry }) => matchesPriceFilters(entry, params));
    const page = paginateArray(matching, params.limit ?? 10, params.starting_after, params.ending_before);
    if (!page) {
      const param = params.starting_after !== undefined ? 'starting_after' : 'ending_before';
      throw new GatewayError('param_resource_missing', `No such price: '${params.starting_after ?? params.ending_before ?? ''}'`, param);
    }
    const data = await Promise.all(page.items.map(({ id, entry }) => renderPrice(call, id, entry, expandProduct)));
    return buildListObject('/v1/prices', data, page.hasMore);
  }

  async function retrieveProduct(call: CallContext, id: string, bag: ParamBag) {
    const params = validateParams(retrieveCatalogSchema, bag);
    const expandDefaultPrice = parseCatalogExpand(params.expand, ['default_price']).has('default_price');
    const tenantId = call.tenant.config.id;
    const product = buildProductObject(await withServedDefaultPrice(tenantId, await productFactsFor(tenantId, id)), call.livemode);
    const defaultPriceId = product.default_price;
    if (!expandDefaultPrice || !defaultPriceId) return product;
    const defaultPrice = await deps.mappings.getPrice(tenantId, defaultPriceId);
    return { ...product, default_price: defaultPrice ? await renderPrice(call, defaultPriceId, defaultPrice, false) : null };
  }

  async function productFactsFor(tenantId: string, id: string): Promise<ProductFacts> {
    if (!isWellFormedId('product', id)) throw noSuchObject('product', id);
    const info = await deps.mappings.getProduct(tenantId, id);
    if (info) return productFactsFromInfo(id, info);
    // A hand-written mapping file may describe products only through its price entries.
    const entry = (await sortedPrices(tenantId)).find((price) => price.entry.stripeProductId === id)?.entry;
    if (!entry) throw noSuchObject('product', id);
    return productFactsFromMapping(entry, undefined);
  }

  return { retrievePrice, listPrices, retrieveProduct };
}

export type CatalogService = ReturnType<typeof createCatalogService>;

function matchesPriceFilters(entry: MappingEntry, params: ListPricesParams): boolean {
  const recurring = params.recurring;
  return (
    (params.active === undefined || (entry.active ?? true) === params.active) &&
    (params.currency === undefined || entry.currency === params.currency.toLowerCase()) &&
    (params.product === undefined || entry.stripeProductId === params.product) &&
    (params.type === undefined || (entry.recurring ? 'recurring' : 'one_time') === params.type) &&
    (params.lookup_keys === undefined || (entry.lookupKey != null && params.lookup_keys.includes(entry.lookupKey))) &&
    matchesCreated(entry.created ?? 0, params.created) &&
    (recurring === undefined ||
      ((recurring.interval === undefined || entry.recurring?.interval === recurring.interval) &&
        // Mapped prices are all licensed: Loops bills fixed amounts (metered prices are skipped).
        (recurring.usage_type === undefined || (entry.recurring !== null && recurring.usage_type === 'licensed')) &&
        recurring.meter === undefined))
  );
}

function productFacts(entry: MappingEntry, info: ProductInfo | undefined): ProductFacts {
  return info && entry.stripeProductId ? productFactsFromInfo(entry.stripeProductId, info) : productFactsFromMapping(entry, info);
}

function productFactsFromInfo(id: string, info: ProductInfo): ProductFacts {
  return {
    id,
    name: info.name,
    description: info.description ?? null,
    images: info.images,
    active: info.active,
    metadata: info.metadata,
    created: info.created,
    defaultPriceId: info.defaultPriceId ?? null,
    unitLabel: info.unitLabel ?? null,
    taxCode: info.taxCode ?? null,
    ...(info.type ? { type: info.type } : {}),
    statementDescriptor: info.statementDescriptor ?? null,
    ...(info.updated !== undefined ? { updated: info.updated } : {}),
  };
}
