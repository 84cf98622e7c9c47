import type { RecurringInterval } from './state';

const DAY_MS = 86_400_000;

/**
 * The moment `count` intervals after `anchorMs` (docs/loops-contract.md §8.1 [chosen], as Stripe's billing
 * cycle anchor): months are counted from the anchor, not from the previous period's end, and a
 * day the month lacks becomes its last day. A subscription bought on 31 January renews on
 * 28 (29) February, then on 31 March, instead of drifting to the 28th for good. Time of day stays.
 */
export function addIntervals(anchorMs: number, interval: RecurringInterval, count: number): number {
  const anchor = new Date(anchorMs);
  const months = interval === 'year' ? 12 * count : count;
  const monthIndex = anchor.getUTCMonth() + months;
  const year = anchor.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  const msIntoDay = anchorMs - Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate());
  return Date.UTC(year, month, day) + msIntoDay;
}

export const addDays = (ms: number, days: number): number => ms + days * DAY_MS;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
