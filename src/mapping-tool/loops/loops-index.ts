import type { LoopsClient } from '../../loops/loops-client';
import type { LoopsV3Product } from '../../loops/loops-schemas';
import { LINK_METADATA } from '../convert/convert-price';
import { listAllLoopsProducts } from './list-loops-products';
import type { ReadRetry } from './read-retry';

/**
 * Every Loops product tagged with a Stripe price id (`metadata.stripe_price_id`), from a full
 * listing of `GET /api/v3/products`. The contract documents no metadata filter (§3.3; the
 * emulator's is [chosen]), so the whole list is read; 10,000 products are 100 requests.
 */
export interface LoopsIndex {
  /** Products tagged with this Stripe price id, in listing order. */
  find(stripePriceId: string): LoopsV3Product[];
  /** Products listed in total. */
  size(): number;
  /**
   * Lists Loops again, unless a listing that started at or after `since` (a `clock()` reading)
   * already finished or is running: one listing answers every ambiguous create that failed before it.
   */
  refreshSince(since: number): Promise<void>;
  /**
   * A fresh listing now, each page with `retry` (the check for duplicates after the creates). The
   * re-checks of `refreshSince` list once: they sit inside a create's own attempts already.
   */
  relist(): Promise<void>;
  clock(): number;
}

/**
 * Lists Loops once to begin with (each page with `retry`: without this listing nothing can be
 * created, so a short Loops blip is waited out rather than ending the run).
 */
export async function loadLoopsIndex(loops: LoopsClient, clock: () => number = () => performance.now(), retry?: ReadRetry): Promise<LoopsIndex> {
  const index = createLoopsIndex(loops, clock, retry);
  await index.relist();
  return index;
}

/**
 * An index that has listed nothing yet: the gateway's API creates keep one per tenant and list
 * Loops only when a create must look for an earlier attempt's product (a retried request, an
 * ambiguous failure), so a create that just works costs no listing.
 */
export function lazyLoopsIndex(loops: LoopsClient, clock: () => number = () => performance.now()): LoopsIndex {
  return createLoopsIndex(loops, clock, undefined);
}

function createLoopsIndex(loops: LoopsClient, clock: () => number, retry: ReadRetry | undefined): LoopsIndex {
  let byPrice = new Map<string, LoopsV3Product[]>();
  let total = 0;
  /** When the listing the index now shows was started. */
  let lastStarted = -Infinity;
  let running: { startedAt: number; done: Promise<void> } | undefined;

  async function listAll(startedAt: number, withRetry: boolean): Promise<void> {
    const products = await listAllLoopsProducts(loops, withRetry ? retry : undefined);
    // Two listings may overlap (`relist` while a re-check lists): the later-started one wins.
    if (startedAt < lastStarted) return;
    lastStarted = startedAt;
    byPrice = indexByStripePrice(products);
    total = products.length;
  }

  function start(withRetry = false): Promise<void> {
    const startedAt = clock();
    const done = listAll(startedAt, withRetry);
    running = { startedAt, done };
    void done
      .finally(() => {
        if (running?.done === done) running = undefined;
      })
      .catch(() => {});
    return done;
  }

  async function refreshSince(since: number): Promise<void> {
    if (lastStarted >= since) return;
    if (running && running.startedAt >= since) return running.done;
    if (running) await running.done.catch(() => {});
    if (lastStarted >= since) return;
    if (running && running.startedAt >= since) return running.done;
    return start();
  }

  return {
    find: (priceId) => byPrice.get(priceId) ?? [],
    size: () => total,
    refreshSince,
    relist: () => start(true),
    clock,
  };
}

/** Loops products by the Stripe price they were made for, in listing order. */
export function indexByStripePrice(products: LoopsV3Product[]): Map<string, LoopsV3Product[]> {
  const byPrice = new Map<string, LoopsV3Product[]>();
  for (const product of products) {
    const priceId = product.metadata?.[LINK_METADATA.priceId];
    if (typeof priceId !== 'string') continue;
    byPrice.set(priceId, [...(byPrice.get(priceId) ?? []), product]);
  }
  return byPrice;
}
