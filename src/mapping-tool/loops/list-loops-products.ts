import type { LoopsClient } from '../../loops/loops-client';
import type { LoopsV3Product } from '../../loops/loops-schemas';
import type { ReadRetry } from './read-retry';

/** Loops' largest page (docs/loops-contract.md §3.3: `limit` 1–100). */
const PAGE_SIZE = 100;

const once: ReadRetry = (work) => work();

/**
 * Every V3 product of the Loops account, page by page (`limit` / `offset`, §3.3). `retry` repeats
 * a failed page (not the whole listing: 10,000 products are 100 pages).
 */
export async function listAllLoopsProducts(loops: LoopsClient, retry: ReadRetry = once): Promise<LoopsV3Product[]> {
  const all: LoopsV3Product[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await retry(() => loops.listProductsV3(PAGE_SIZE, offset));
    all.push(...page.data);
    if (!page.hasMore) return all;
    if (page.data.length === 0) throw new Error('Loops answered has_more with an empty page; stopping rather than looping forever');
  }
}
