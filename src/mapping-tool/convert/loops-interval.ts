/** Months in a year: `interval: month, interval_count: 12` bills exactly when a yearly price does. */
const MONTHS_PER_YEAR = 12;

/** A Stripe `recurring` as the API and exports spell it (`interval_count` defaults to 1). */
export interface StripeRecurring {
  interval: string;
  interval_count?: number | null;
}

/**
 * The one interval rule of the project: the Loops `recurringInterval` (docs/loops-contract.md §3.3: `month` |
 * `year`, one period) that bills a Stripe recurring price on the same dates; undefined for a
 * one-time price or one Loops cannot bill (every week, every 3 months…). The mapping tool, the
 * gateway's `prices.create` and checkout's `price_data` all decide through it, so a price billed
 * every 12 months becomes a yearly Loops product wherever it comes from.
 */
export function loopsIntervalOf(recurring: StripeRecurring | null | undefined): 'month' | 'year' | undefined {
  if (!recurring) return undefined;
  const { interval } = recurring;
  const count = recurring.interval_count ?? 1;
  if ((interval === 'month' || interval === 'year') && count === 1) return interval;
  if (interval === 'month' && count === MONTHS_PER_YEAR) return 'year';
  return undefined;
}
