import { isLoopsError } from '../../loops/loops-error';
import type { LoopsClient } from '../../loops/loops-client';
import type { LoopsV3Product } from '../../loops/loops-schemas';
import type { MappingEntry, MappingFile } from '../../mappings/mapping-file';
import { indexByStripePrice } from '../loops/loops-index';
import { listAllLoopsProducts } from '../loops/list-loops-products';
import { canonicalProduct, chargeDifferences, isActiveInLoops, type ChargeTerms } from '../loops/match-loops-product';
import { forEachBounded } from '../run/bounded-pool';

export interface VerifyReport {
  checked: number;
  /** A mapped price whose Loops product is missing or charges something else: checkouts would go wrong. */
  problems: { priceId: string; problem: string }[];
  /** Entries this command cannot check (payment links: the Loops client has no payment-link read). */
  unchecked: { priceId: string; reason: string }[];
  /**
   * Several live Loops products tagged with one mapped price (two runs raced without a lock
   * against a Loops that ignored the Idempotency-Key). Checkouts use the mapped one; the others
   * are live products nobody should sell, so verify fails until they are archived.
   */
  duplicates: { priceId: string; mapped: string; canonical: string | undefined; others: string[] }[];
  /** How the shared store (Redis) differs from the file; empty when there is no store. */
  storeProblems: { priceId: string; problem: string }[];
}

/**
 * `mappings verify`: every mapped Loops product exists and charges the mapped amount, currency
 * and interval (docs/mappings.md). One listing of Loops answers most entries; ids the listing does not
 * show (another status, a newer product) are fetched one by one.
 */
export async function verifyMappings(
  file: MappingFile,
  loops: LoopsClient,
  options: { concurrency: number; storeEntries?: Record<string, MappingEntry> },
): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, problems: [], unchecked: [], duplicates: [], storeProblems: [] };
  const listed = await listAllLoopsProducts(loops);
  const byId = new Map(listed.map((product) => [product.id, product]));
  const byPrice = indexByStripePrice(listed);

  await forEachBounded(Object.entries(file.prices), options.concurrency, async ([priceId, entry]) => {
    if (!entry.loopsProductId) {
      report.unchecked.push({ priceId, reason: `payment link ${entry.loopsPaymentLinkId ?? ''} (not checked)` });
      return;
    }
    report.checked++;
    const product = byId.get(entry.loopsProductId) ?? (await fetchProduct(loops, entry.loopsProductId));
    if (!product) {
      report.problems.push({ priceId, problem: `Loops product ${entry.loopsProductId} does not exist` });
      return;
    }
    const differences = chargeDifferences(product, entry);
    if (entry.loopsPriceId && product.default_price && product.default_price !== entry.loopsPriceId) {
      differences.push(`default_price ${product.default_price} instead of ${entry.loopsPriceId}`);
    }
    if (differences.length > 0) report.problems.push({ priceId, problem: `Loops product ${product.id}: ${differences.join(', ')}` });
    const duplicate = findDuplicate(priceId, entry.loopsProductId, byPrice.get(priceId) ?? [], entry);
    if (duplicate) report.duplicates.push(duplicate);
  });
  if (options.storeEntries) report.storeProblems = compareWithStore(file, options.storeEntries);
  return report;
}

/** Live products tagged with the price besides the mapped one; the canonical one as `map` would pick it. */
function findDuplicate(
  priceId: string,
  mapped: string,
  tagged: LoopsV3Product[],
  terms: ChargeTerms,
): VerifyReport['duplicates'][number] | undefined {
  const others = tagged.filter((product) => product.id !== mapped && isActiveInLoops(product)).map((product) => product.id);
  if (others.length === 0) return undefined;
  const canonical = canonicalProduct(tagged, terms);
  return { priceId, mapped, canonical: canonical?.id, others };
}

async function fetchProduct(loops: LoopsClient, id: string): Promise<LoopsV3Product | undefined> {
  try {
    return await loops.getProductV3(id);
  } catch (error) {
    if (isLoopsError(error) && error.failure.kind === 'http' && error.failure.status === 404) return undefined;
    throw error;
  }
}

/**
 * The gateway answers from Redis: a price missing or different there is a checkout that fails, or
 * a change made through the API that the committed file does not have yet.
 */
function compareWithStore(file: MappingFile, store: Record<string, MappingEntry>): VerifyReport['storeProblems'] {
  const problems: VerifyReport['storeProblems'] = [];
  for (const [priceId, entry] of Object.entries(file.prices)) {
    const loaded = store[priceId];
    if (!loaded) problems.push({ priceId, problem: 'in the file but not loaded into Redis (run `mappings load`)' });
    else if (JSON.stringify(sorted(loaded)) !== JSON.stringify(sorted(entry)))
      problems.push({
        priceId,
        problem:
          loaded.apiRevision !== undefined && (entry.apiRevision ?? -1) < loaded.apiRevision
            ? 'changed through the API since the file was written (run `mappings export` to commit it)'
            : 'Redis holds another version than the file (run `mappings load`)',
      });
  }
  for (const [priceId, loaded] of Object.entries(store)) {
    if (file.prices[priceId]) continue;
    problems.push({
      priceId,
      problem:
        loaded.apiRevision !== undefined
          ? 'created through the API and not in the file yet (run `mappings export` to commit it)'
          : 'loaded into Redis but not in the file (run `mappings load` to drop it)',
    });
  }
  return problems;
}

function sorted(value: object): object {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
