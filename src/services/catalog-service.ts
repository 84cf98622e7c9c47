import { GatewayError } from '../errors';
import type { MappingEntry } from '../mappings/mapping-file';
import type { Logger } from '../observability/logger';
import type { MappingStore } from '../store/mapping-store';
import { buildListObject } from '../stripe/objects/list-object';
import type { ProductFacts } from '../stripe/objects/product-object';
import { buildSearchResultObject } from '../stripe/objects/search-result-object';
import { checkCursors, matchesCreated } from '../stripe/params/list-params';
import type { ParamBag } from '../stripe/params/param-bag';
import { listPricesSchema, retrieveCatalogSchema, searchSchema, type ListPricesParams, type SearchParams } from '../stripe/params/price-params';
import { listProductsSchema, type ListProductsParams } from '../stripe/params/product-params';
import { decodePageToken, encodePageToken } from '../stripe/params/search-page-token';
import { matchesSearch, parseSearchQuery, type SearchFields, type SearchValue } from '../stripe/params/search-query';
import { validateParams } from '../stripe/params/validate-params';
import type { CallContext } from './call-context';
import { createLoopsProductMaker } from './catalog-new-price';
import { parseCatalogExpand } from '../stripe/params/catalog-params';
import { createPriceWrites, presentationOf } from './catalog-price-writes';
import { createProductWrites } from './catalog-product-writes';
import { renderPrice, renderProduct, type Presentation } from './catalog-render';
import { createCatalogSnapshots, type CatalogView, type PricedEntry } from './catalog-snapshots';
import { paginateArray } from './checkout-sessions/paginate-array';
import type { EventPublisher } from './events/event-publisher';

/** Stripe's query fields for prices and products (https://docs.stripe.com/search#query-fields-for-prices, …-for-products). */
export const PRICE_SEARCH_FIELDS: SearchFields = {
  active: 'boolean',
  currency: 'text',
  lookup_key: 'text',
  metadata: 'metadata',
  product: 'text',
  type: 'text',
};
export const PRODUCT_SEARCH_FIELDS: SearchFields = {
  active: 'boolean',
  description: 'text',
  metadata: 'metadata',
  name: 'text',
  shippable: 'boolean',
  url: 'text',
};

export interface CatalogServiceDeps {
  mappings: MappingStore;
  publisher: EventPublisher;
  logger: Logger;
  now?: () => number;
}

/**
 * The catalog through the Stripe API (products and prices, docs/stripe-billing-contract.md §4, §5): one
 * catalog with what `npm run map` imported, in the same store (docs/mappings.md "One catalog").
 * Reads answer from the tenant's catalog view (catalog-snapshots.ts); writes go through
 * catalog-write.ts, each a single atomic step with its events.
 */
export function createCatalogService(deps: CatalogServiceDeps) {
  const now = deps.now ?? Date.now;
  const snapshots = createCatalogSnapshots(deps.mappings);
  const context = {
    mappings: deps.mappings,
    snapshots,
    publisher: deps.publisher,
    logger: deps.logger,
    now,
    makeLoopsProduct: createLoopsProductMaker(),
  };
  const prices = createPriceWrites(context);
  const products = createProductWrites(context);
  const viewOf = (call: CallContext) => snapshots.current(call.tenant.config.id);

  async function retrievePrice(call: CallContext, id: string, bag: ParamBag) {
    const params = validateParams(retrieveCatalogSchema, bag);
    const expandProduct = parseCatalogExpand(params.expand, ['product']).has('product');
    const view = await viewOf(call);
    const entry = view.prices.get(id);
    if (!entry) throw new GatewayError('resource_missing', `No such price: '${id}'`, 'id');
    return renderPrice(view, id, entry, presentationOf(call), expandProduct);
  }

  async function listPrices(call: CallContext, bag: ParamBag) {
    const params = validateParams(listPricesSchema, bag);
    checkCursors(params);
    const expandProduct = parseCatalogExpand(params.expand, ['data.product']).has('data.product');
    const view = await viewOf(call);
    const matching = view.sortedPrices().filter(({ entry }) => matchesPriceFilters(entry, params));
    const page = pageOf(matching, params, 'price');
    return buildListObject(
      '/v1/prices',
      page.items.map(({ id, entry }) => renderPrice(view, id, entry, presentationOf(call), expandProduct)),
      page.hasMore,
    );
  }

  /** `GET /v1/{prices,products}/search`: the query over the tenant's catalog, newest first, paged by token. */
  async function search<T>(call: CallContext, bag: ParamBag, kind: Searchable<T>) {
    const params = validateParams(searchSchema, bag);
    const expand = parseCatalogExpand(params.expand, [kind.expand]).has(kind.expand);
    const query = parseSearchQuery(params.query, kind.fields);
    const view = await viewOf(call);
    const matching = kind.items(view).filter((item) => matchesSearch(query, (field, key) => kind.valueOf(item, field, key)));
    const { items, nextPage } = searchPage(matching, params, kind.place);
    return buildSearchResultObject(
      kind.url,
      items.map((item) => kind.render(view, item, presentationOf(call), expand)),
      nextPage,
    );
  }

  async function retrieveProduct(call: CallContext, id: string, bag: ParamBag) {
    const params = validateParams(retrieveCatalogSchema, bag);
    const expandDefaultPrice = parseCatalogExpand(params.expand, ['default_price']).has('default_price');
    const view = await viewOf(call);
    const facts = view.product(id);
    if (!facts) throw new GatewayError('resource_missing', `No such product: '${id}'`, 'id');
    return renderProduct(view, facts, presentationOf(call), expandDefaultPrice);
  }

  async function listProducts(call: CallContext, bag: ParamBag) {
    const params = validateParams(listProductsSchema, bag);
    checkCursors(params);
    if (params.ids !== undefined && (params.starting_after !== undefined || params.ending_before !== undefined)) {
      throw new GatewayError('parameters_exclusive', 'You may only specify one of these parameters: ids, starting_after, ending_before.', 'ids');
    }
    const expandDefaultPrice = parseCatalogExpand(params.expand, ['data.default_price']).has('data.default_price');
    const view = await viewOf(call);
    const matching = view.sortedProducts().filter((product) => matchesProductFilters(product, params));
    const page = pageOf(matching, params, 'product');
    return buildListObject(
      '/v1/products',
      page.items.map((product) => renderProduct(view, product, presentationOf(call), expandDefaultPrice)),
      page.hasMore,
    );
  }

  return {
    retrievePrice,
    listPrices,
    searchPrices: (call: CallContext, bag: ParamBag) => search(call, bag, SEARCHABLE_PRICES),
    createPrice: prices.create,
    updatePrice: prices.update,
    retrieveProduct,
    listProducts,
    searchProducts: (call: CallContext, bag: ParamBag) => search(call, bag, SEARCHABLE_PRODUCTS),
    createProduct: products.create,
    updateProduct: products.update,
    deleteProduct: products.del,
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;

/** What `search` needs to know of one searchable resource. */
interface Searchable<T> {
  url: string;
  /** The one expansion search results take (`data.product`, `data.default_price`). */
  expand: string;
  fields: SearchFields;
  items(view: CatalogView): readonly T[];
  valueOf(item: T, field: string, metadataKey: string | undefined): SearchValue;
  place(item: T): { id: string; created: number };
  render(view: CatalogView, item: T, how: Presentation, expand: boolean): unknown;
}

const SEARCHABLE_PRICES: Searchable<PricedEntry> = {
  url: '/v1/prices/search',
  expand: 'data.product',
  fields: PRICE_SEARCH_FIELDS,
  items: (view) => view.sortedPrices(),
  valueOf: ({ entry }, field, key) => priceSearchValue(entry, field, key),
  place: ({ id, entry }) => ({ id, created: entry.created ?? 0 }),
  render: (view, { id, entry }, how, expand) => renderPrice(view, id, entry, how, expand),
};

const SEARCHABLE_PRODUCTS: Searchable<ProductFacts> = {
  url: '/v1/products/search',
  expand: 'data.default_price',
  fields: PRODUCT_SEARCH_FIELDS,
  items: (view) => view.sortedProducts(),
  valueOf: (product, field, key) => productSearchValue(product, field, key),
  place: (product) => ({ id: product.id, created: product.created ?? 0 }),
  render: (view, product, how, expand) => renderProduct(view, product, how, expand),
};

/** A cursor page of a filtered list; an unknown cursor is Stripe's 400 naming it. */
function pageOf<T extends { id: string }>(
  matching: readonly T[],
  params: { limit?: number; starting_after?: string; ending_before?: string },
  kind: 'price' | 'product',
) {
  const page = paginateArray(
    matching.map((item) => ({ id: item.id, item })),
    params.limit ?? 10,
    params.starting_after,
    params.ending_before,
  );
  if (!page) {
    const param = params.starting_after !== undefined ? 'starting_after' : 'ending_before';
    throw new GatewayError('param_resource_missing', `No such ${kind}: '${params.starting_after ?? params.ending_before ?? ''}'`, param);
  }
  return { items: page.items.map(({ item }) => item), hasMore: page.hasMore };
}

/**
 * A page of search results. `next_page` is an opaque token holding the last item's place in the
 * list's order (created, id), not an offset: a page stays right when objects are added meanwhile,
 * and the item it names need not exist any more.
 */
function searchPage<T>(matching: readonly T[], params: SearchParams, place: (item: T) => { id: string; created: number }) {
  let from = 0;
  if (params.page !== undefined) {
    const [created = '', ...rest] = decodePageToken(params.page).split(':');
    const after = { created: Number(created), id: rest.join(':') };
    if (!/^\d{1,12}$/.test(created) || !after.id)
      throw new GatewayError('parameter_invalid', 'Invalid page: not a page token this search returned.', 'page');
    from = matching.findIndex((item) => {
      const { id, created: at } = place(item);
      return at < after.created || (at === after.created && id > after.id);
    });
    if (from === -1) from = matching.length;
  }
  const limit = params.limit ?? 10;
  const items = matching.slice(from, from + limit);
  const last = items.at(-1);
  const nextPage = from + limit < matching.length && last ? encodePageToken(`${place(last).created}:${place(last).id}`) : null;
  return { items, nextPage };
}

function matchesPriceFilters(entry: MappingEntry, params: ListPricesParams): boolean {
  const recurring = params.recurring;
  // Stripe lists active prices unless asked otherwise (docs/stripe-billing-contract.md §0.5).
  const active = params.active ?? true;
  return (
    (entry.active ?? true) === active &&
    (params.currency === undefined || entry.currency === params.currency.toLowerCase()) &&
    (params.product === undefined || entry.stripeProductId === params.product) &&
    (params.type === undefined || (entry.recurring ? 'recurring' : 'one_time') === params.type) &&
    (params.lookup_keys === undefined || (entry.lookupKey != null && params.lookup_keys.includes(entry.lookupKey))) &&
    matchesCreated(entry.created ?? 0, params.created) &&
    (recurring === undefined ||
      ((recurring.interval === undefined || entry.recurring?.interval === recurring.interval) &&
        // Mapped prices are all licensed: Loops bills fixed amounts (metered prices are refused).
        (recurring.usage_type === undefined || (entry.recurring !== null && recurring.usage_type === 'licensed')) &&
        recurring.meter === undefined))
  );
}

function matchesProductFilters(product: ProductFacts, params: ListProductsParams): boolean {
  return (
    (params.active === undefined || (product.active ?? true) === params.active) &&
    (params.ids === undefined || params.ids.includes(product.id)) &&
    (params.shippable === undefined || (product.shippable ?? null) === params.shippable) &&
    (params.type === undefined || (product.type ?? 'service') === params.type) &&
    (params.url === undefined || (product.url ?? null) === params.url) &&
    matchesCreated(product.created ?? 0, params.created)
  );
}

function priceSearchValue(entry: MappingEntry, field: string, metadataKey: string | undefined): SearchValue {
  switch (field) {
    case 'active':
      return entry.active ?? true;
    case 'currency':
      return entry.currency;
    case 'lookup_key':
      return entry.lookupKey ?? null;
    case 'metadata':
      return metadataKey === undefined ? undefined : entry.metadata?.[metadataKey];
    case 'product':
      return entry.stripeProductId ?? null;
    case 'type':
      return entry.recurring ? 'recurring' : 'one_time';
    default:
      return undefined;
  }
}

function productSearchValue(product: ProductFacts, field: string, metadataKey: string | undefined): SearchValue {
  switch (field) {
    case 'active':
      return product.active ?? true;
    case 'description':
      return product.description ?? null;
    case 'metadata':
      return metadataKey === undefined ? undefined : product.metadata?.[metadataKey];
    case 'name':
      return product.name;
    case 'shippable':
      return product.shippable ?? null;
    case 'url':
      return product.url ?? null;
    default:
      return undefined;
  }
}
