import type { LoopsV3Product } from '../../loops/loops-schemas';
import { formatMoney, fromLoopsPriceAmount } from '../convert/loops-money';

/** What a mapping promises the customer pays: the fields a Loops product must agree with. */
export interface ChargeTerms {
  unitAmount: number;
  currency: string;
  recurring: { interval: 'month' | 'year' } | null;
}

/** Differences between what the Loops product charges and what the mapping says; empty = agrees. */
export function chargeDifferences(product: LoopsV3Product, terms: ChargeTerms): string[] {
  const problems: string[] = [];
  const currency = (product.priceCurrency ?? '').toLowerCase();
  if (currency !== terms.currency) problems.push(`currency ${currency.toUpperCase() || 'none'} instead of ${terms.currency.toUpperCase()}`);
  const amount = fromLoopsPriceAmount(product.priceAmount, terms.currency);
  if (amount !== terms.unitAmount) {
    const shown = amount === undefined ? 'no fixed amount' : formatMoney(amount, terms.currency);
    problems.push(`amount ${shown} instead of ${formatMoney(terms.unitAmount, terms.currency)}`);
  }
  const interval = product.recurringInterval ?? null;
  const wanted = terms.recurring?.interval ?? null;
  if (interval !== wanted) problems.push(`recurring ${interval ?? 'one-time'} instead of ${wanted ?? 'one-time'}`);
  if (!isActiveInLoops(product)) problems.push('it is inactive in Loops');
  return problems;
}

/**
 * The order in which products tagged with the same Stripe price are preferred, the same in every
 * run on every machine: the earliest `created`, then the lowest id. Two runs that raced each made
 * a product; whichever sees both picks the same one, and a run that saw only its own (the other's
 * came later) picked the earlier one already. Loops' `created` is in seconds (§3.3), so two
 * products of the same second (or a Loops that omits `created`) fall back to the id, which is
 * arbitrary but still shared.
 */
export function compareCanonical(a: LoopsV3Product, b: LoopsV3Product): number {
  const byCreated = (a.created ?? Number.MAX_SAFE_INTEGER) - (b.created ?? Number.MAX_SAFE_INTEGER);
  if (byCreated !== 0) return byCreated;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The product `map` links and `verify` expects, of those tagged with one Stripe price: the
 * canonical one of those that charge what the mapping says; undefined when none does.
 */
export function canonicalProduct(tagged: LoopsV3Product[], terms: ChargeTerms): LoopsV3Product | undefined {
  return tagged.filter((product) => chargeDifferences(product, terms).length === 0).sort(compareCanonical)[0];
}

/** Archived in Loops: still listed and still tagged, but no longer a live duplicate. */
export function isActiveInLoops(product: LoopsV3Product): boolean {
  return product.active !== false && product.status !== 'INACTIVE';
}

export type LinkDecision = { kind: 'none' } | { kind: 'link'; product: LoopsV3Product; notes: string[] } | { kind: 'conflict'; reason: string };

/**
 * Chooses the Loops product already made for a Stripe price. Of those that charge exactly what
 * the price says, the canonical one (`compareCanonical`) is linked; if only disagreeing ones exist,
 * the price fails with the reason rather than getting a second product (that would be the
 * duplicate this tool promises never to make) or a link that charges the wrong amount.
 */
export function decideLink(candidates: LoopsV3Product[], terms: ChargeTerms, stripePriceId: string): LinkDecision {
  if (candidates.length === 0) return { kind: 'none' };
  const first = canonicalProduct(candidates, terms);
  if (first) {
    const notes =
      candidates.length > 1
        ? [`${candidates.length} Loops products are tagged stripe_price_id=${stripePriceId}; linked ${first.id} (see \`mappings verify\`)`]
        : [];
    return { kind: 'link', product: first, notes };
  }
  const described = candidates
    .slice(0, 3)
    .map((product) => `${product.id}: ${chargeDifferences(product, terms).join(', ')}`)
    .join('; ');
  return {
    kind: 'conflict',
    reason: `Loops already has a product for this price that does not match it (${described}); correct it in the Loops dashboard or map the price by hand in the mapping file`,
  };
}
