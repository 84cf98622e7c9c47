import type { CatalogPrice } from '../catalog/catalog';

/** Months in a year: `interval: month, interval_count: 12` bills exactly when a yearly price does. */
const MONTHS_PER_YEAR = 12;

/**
 * The Loops `recurringInterval` (loops-api.md §3.3: `month` | `year`, one period) that bills a
 * Stripe recurring price on the same dates; undefined for a one-time price or one Loops cannot
 * bill (every week, every 3 months…).
 */
export function loopsIntervalOf(recurring: CatalogPrice['recurring']): 'month' | 'year' | undefined {
  if (!recurring) return undefined;
  const { interval, interval_count: count } = recurring;
  if ((interval === 'month' || interval === 'year') && count === 1) return interval;
  if (interval === 'month' && count === MONTHS_PER_YEAR) return 'year';
  return undefined;
}
