/**
 * Billing periods of a Loops subscription, in unix seconds (docs/loops-contract.md §8.1 [chosen], as
 * Stripe's billing cycle anchor): period `k` starts `k` intervals after the anchor, months counted
 * from the anchor rather than from the previous period's end, a day the month lacks becoming its
 * last day (31 Jan → 28 Feb → 31 Mar). Time of day stays.
 */
export type LoopsInterval = 'month' | 'year';

export function addIntervals(anchorSeconds: number, interval: LoopsInterval, count: number): number {
  const anchor = new Date(anchorSeconds * 1000);
  const months = interval === 'year' ? 12 * count : count;
  const monthIndex = anchor.getUTCMonth() + months;
  const year = anchor.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  const secondsIntoDay = anchorSeconds - Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate()) / 1000;
  return Date.UTC(year, month, day) / 1000 + secondsIntoDay;
}

/**
 * At most this many periods are billed in one catch-up (a subscription whose renewals the gateway
 * missed for years, its webhooks lost and nobody reading it): the loop bound does not depend on
 * what Loops reports.
 */
export const MAX_CATCH_UP_PERIODS = 36;
/** Periods counted from the anchor before giving up on finding `after` on the grid (200 years of months). */
const MAX_GRID_STEPS = 2400;

/**
 * The period starts on the anchor's grid that lie in (`after`, `upTo`], oldest first: the renewals
 * that happened between the last period the gateway billed and the current one. Loops names only
 * the current period, so when the grid does not land exactly on `upTo` (an anchor the gateway had
 * to guess, see plan-subscription-sync.ts) only `upTo` itself is returned: the current period is
 * certain, the ones in between are not. More than MAX_CATCH_UP_PERIODS keeps the latest ones.
 */
export function periodStartsBetween(anchor: number, interval: LoopsInterval, after: number, upTo: number): number[] {
  if (upTo <= after) return [];
  const starts: number[] = [];
  for (let k = 0; k < MAX_GRID_STEPS; k++) {
    const start = addIntervals(anchor, interval, k);
    if (start > upTo) break;
    if (start > after) starts.push(start);
    if (starts.length > MAX_CATCH_UP_PERIODS) starts.shift();
  }
  return starts.at(-1) === upTo ? starts : [upTo];
}

/**
 * The start of the period before the one that starts at `start`: the grid point before it, or one
 * interval earlier when `start` is not on the grid (the gateway's anchor was a guess).
 */
export function periodStartBefore(anchor: number, interval: LoopsInterval, start: number): number {
  let previous: number | undefined;
  for (let k = 0; k < MAX_GRID_STEPS; k++) {
    const point = addIntervals(anchor, interval, k);
    if (point >= start) return point === start && previous !== undefined ? previous : addIntervals(start, interval, -1);
    previous = point;
  }
  return addIntervals(start, interval, -1);
}

/**
 * The end of the period that starts at `start`: the next grid point after it, or one interval
 * later when `start` is not on the grid (the gateway's anchor was a guess).
 */
export function periodEndAfter(anchor: number, interval: LoopsInterval, start: number): number {
  for (let k = 0; k < MAX_GRID_STEPS; k++) {
    const point = addIntervals(anchor, interval, k);
    if (point > start) return k > 0 && addIntervals(anchor, interval, k - 1) === start ? point : addIntervals(start, interval, 1);
  }
  return addIntervals(start, interval, 1);
}

/** Whether `point` is a period start on the grid from `anchor` (the anchor itself included). */
export function onGrid(anchor: number, interval: LoopsInterval, point: number): boolean {
  for (let k = 0; k < MAX_GRID_STEPS; k++) {
    const start = addIntervals(anchor, interval, k);
    if (start >= point) return start === point;
  }
  return false;
}
