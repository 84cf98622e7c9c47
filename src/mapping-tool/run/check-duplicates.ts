import type { MappingEntry } from '../../mappings/mapping-file';
import type { LoopsV3Product } from '../../loops/loops-schemas';
import { canonicalProduct, isActiveInLoops } from '../loops/match-loops-product';
import { entryFromLoops } from '../plan/entry-from-loops';

/** A Stripe price with more than one live Loops product tagged `metadata.stripe_price_id`. */
export interface DuplicateFinding {
  priceId: string;
  /** The canonical product: the one the mapping file now names. */
  mappedTo: string;
  /** The other active products tagged with the price: to archive in Loops. */
  extras: string[];
  /** The product this run had written before it saw the others, when that was not the canonical one. */
  switchedFrom: string | undefined;
}

export interface DuplicateCheck {
  findings: DuplicateFinding[];
  /** Entries to write instead, so that every run's file names the canonical product. */
  rewrites: { priceId: string; entry: MappingEntry }[];
}

/**
 * After the creates, with a fresh listing of Loops: for each price this run created or linked,
 * are there other live products tagged with it? Only possible when two runs raced without a shared
 * lock against a Loops that ignored the Idempotency-Key (docs/loops-contract.md §7.7). The file is pointed at
 * the canonical product (the same choice in every run, `compareCanonical`), and the rest are
 * reported for the merchant to archive.
 */
export function checkDuplicates(
  priceIds: Iterable<string>,
  entries: Record<string, MappingEntry>,
  tagged: (priceId: string) => LoopsV3Product[],
): DuplicateCheck {
  const check: DuplicateCheck = { findings: [], rewrites: [] };
  for (const priceId of priceIds) {
    const entry = entries[priceId];
    if (!entry?.loopsProductId) continue;
    const products = tagged(priceId);
    if (products.length < 2) continue;
    const canonical = canonicalProduct(products, entry);
    // None agrees with the entry (a listing that lags behind the create): nothing to decide on.
    if (!canonical) continue;
    const switched = canonical.id !== entry.loopsProductId;
    if (switched) check.rewrites.push({ priceId, entry: rebase(entry, canonical) });
    const extras = products.filter((product) => product.id !== canonical.id && isActiveInLoops(product)).map((product) => product.id);
    if (extras.length > 0)
      check.findings.push({ priceId, mappedTo: canonical.id, extras, switchedFrom: switched ? entry.loopsProductId : undefined });
  }
  return check;
}

/** The same entry, pointing at another Loops product (and its `default_price`). */
function rebase(entry: MappingEntry, product: LoopsV3Product): MappingEntry {
  const { loopsProductId: _product, loopsPriceId: _price, ...draft } = entry;
  return entryFromLoops(draft, product);
}
