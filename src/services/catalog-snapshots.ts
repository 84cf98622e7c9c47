import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import type { CatalogChange, CatalogSnapshot, MappingStore } from '../store/mapping-store';
import type { ProductFacts } from '../stripe/objects/product-object';
import { productFactsFromInfo, productFactsFromMapping } from '../translate/mapping-to-price';

export interface PricedEntry {
  id: string;
  entry: MappingEntry;
}

/**
 * One tenant's catalog at one version, as every catalog request reads it: prices and products by
 * id, and the orders and indexes lists, searches and writes need, each built once per version.
 */
export interface CatalogView {
  readonly version: number;
  readonly prices: ReadonlyMap<string, MappingEntry>;
  /** Products with an entry of their own. */
  readonly products: ReadonlyMap<string, ProductInfo>;
  readonly tombstones: Readonly<Record<string, number>>;
  /** Newest first, the id breaking ties (Stripe's list order; cursors stay stable). */
  sortedPrices(): readonly PricedEntry[];
  /** Every product, those a hand-written file describes only through its prices included; newest first. */
  sortedProducts(): readonly ProductFacts[];
  /** A product as Stripe shows it, or undefined when no entry describes it. */
  product(id: string): ProductFacts | undefined;
  /** How many prices name the product. */
  priceCount(productId: string): number;
  /** The price holding a lookup key. */
  lookupKeyHolder(lookupKey: string): string | undefined;
}

export function catalogView(snapshot: CatalogSnapshot): CatalogView {
  const prices = new Map(Object.entries(snapshot.prices));
  const products = new Map(Object.entries(snapshot.products));
  let sortedPrices: PricedEntry[] | undefined;
  let sortedProducts: ProductFacts[] | undefined;
  let counts: Map<string, number> | undefined;
  let lookupKeys: Map<string, string> | undefined;
  let described: Map<string, ProductFacts> | undefined;

  /**
   * Products from their own entries, then those only price entries name, each described by its
   * newest price (the first in list order). One pass, no sort: a write builds this for its new view.
   */
  const describedProducts = (): Map<string, ProductFacts> => {
    if (described) return described;
    const newest = new Map<string, PricedEntry>();
    for (const [id, entry] of prices) {
      const productId = entry.stripeProductId;
      if (!productId || products.has(productId)) continue;
      const current = newest.get(productId);
      if (!current || newestFirst(entry.created, id, current.entry.created, current.id) < 0) newest.set(productId, { id, entry });
    }
    described = new Map();
    for (const [id, info] of products) described.set(id, productFactsFromInfo(id, info));
    for (const [id, { entry }] of newest) described.set(id, productFactsFromMapping(entry, undefined));
    return described;
  };

  const view: CatalogView = {
    version: snapshot.version,
    prices,
    products,
    tombstones: snapshot.tombstones,
    sortedPrices() {
      sortedPrices ??= [...prices].map(([id, entry]) => ({ id, entry })).sort((a, b) => newestFirst(a.entry.created, a.id, b.entry.created, b.id));
      return sortedPrices;
    },
    sortedProducts() {
      sortedProducts ??= [...describedProducts().values()].sort((a, b) => newestFirst(a.created, a.id, b.created, b.id));
      return sortedProducts;
    },
    product: (id) => describedProducts().get(id),
    priceCount(productId) {
      if (!counts) {
        counts = new Map();
        for (const entry of prices.values()) {
          if (entry.stripeProductId) counts.set(entry.stripeProductId, (counts.get(entry.stripeProductId) ?? 0) + 1);
        }
      }
      return counts.get(productId) ?? 0;
    },
    lookupKeyHolder(lookupKey) {
      if (!lookupKeys) {
        lookupKeys = new Map();
        for (const [id, entry] of prices) if (entry.lookupKey) lookupKeys.set(entry.lookupKey, id);
      }
      return lookupKeys.get(lookupKey);
    },
  };
  return view;
}

function newestFirst(createdA: number | undefined, idA: string, createdB: number | undefined, idB: string): number {
  return (createdB ?? 0) - (createdA ?? 0) || (idA < idB ? -1 : idA > idB ? 1 : 0);
}

/** The catalog after `change` was committed on top of `view` (the writer's own next view). */
export function applyChange(view: CatalogView, change: CatalogChange): CatalogView {
  const products = Object.fromEntries(view.products);
  const tombstones = { ...view.tombstones };
  for (const [id, info] of Object.entries(change.products ?? {})) {
    products[id] = info;
    delete tombstones[id];
  }
  for (const [id, at] of Object.entries(change.deletedProducts ?? {})) {
    delete products[id];
    tombstones[id] = at;
  }
  return catalogView({
    version: view.version + 1,
    prices: { ...Object.fromEntries(view.prices), ...change.prices },
    products,
    tombstones,
  });
}

/**
 * Each tenant's catalog view, reused while the catalog's version is unchanged: a request costs one
 * GET of the version, and the whole catalog is read again only after a write. A pricing page that
 * lists on every view puts no HGETALL of 10,000 prices on that path, and a change made on any
 * instance shows on the next request everywhere (nothing is served from a stale copy by the clock).
 */
export function createCatalogSnapshots(store: MappingStore) {
  const views = new Map<string, CatalogView>();

  async function current(tenantId: string): Promise<CatalogView> {
    const cached = views.get(tenantId);
    if (cached && cached.version === (await store.catalogVersion(tenantId))) return cached;
    const fresh = catalogView(await store.snapshot(tenantId));
    keep(tenantId, fresh);
    return fresh;
  }

  /** Only a newer view replaces the cached one: two writers finishing out of order keep the later. */
  function keep(tenantId: string, view: CatalogView): void {
    const cached = views.get(tenantId);
    if (!cached || cached.version < view.version) views.set(tenantId, view);
  }

  return { current, keep };
}

export type CatalogSnapshots = ReturnType<typeof createCatalogSnapshots>;
