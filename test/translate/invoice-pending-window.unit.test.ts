import { addIntervals, periodStartBefore } from '../../src/translate/billing-period';
import { planSubscriptionSync, type SyncPlan } from '../../src/translate/plan-subscription-sync';
import { DAY, T0, firstPlan, loopsSub, newFacts, stored, afterTrialSub, trialingSub } from '../helpers/subscription-records';

/**
 * Stripe's invoice `period_start`/`period_end` is the window pending invoice items accrued in, not
 * the service period (docs/stripe-billing-contract.md §8; the line's `period` is that): a first
 * invoice's window is empty (both its creation), a renewal's runs from the previous period's start
 * to the renewal. Read from the invoices the plan's events carry, as merchants receive them.
 */
interface RenderedInvoice {
  billing_reason: string;
  period_start: number;
  period_end: number;
  lines: { data: { period: { start: number; end: number } }[] };
}
const invoicesIn = (plan: SyncPlan | undefined, type = 'invoice.finalized') =>
  (plan?.events ?? []).filter((event) => event.type === type).map((event) => event.object as unknown as RenderedInvoice);
const month = (k: number) => addIntervals(T0, 'month', k);

describe('invoice period_start / period_end: the window for pending items', () => {
  it('a first invoice: an empty window at its creation; the line names the service period', () => {
    const [invoice] = invoicesIn(firstPlan(loopsSub()));
    expect(invoice).toMatchObject({ billing_reason: 'subscription_create', period_start: T0, period_end: T0 });
    expect(invoice?.lines.data[0]?.period).toEqual({ start: T0, end: month(1) });
  });

  it('a renewal: from the previous period’s start to the renewal (31 Jan → 28 Feb)', () => {
    const renewed = planSubscriptionSync({
      previous: stored(firstPlan(loopsSub())),
      loops: loopsSub({ current_period_start: month(1), current_period_end: month(2), latest_charge: 'ch_2' }),
      nowSeconds: month(1) + 1,
    });
    const [invoice] = invoicesIn(renewed);
    expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', period_start: T0, period_end: month(1) });
    expect(invoice?.lines.data[0]?.period).toEqual({ start: month(1), end: month(2) });
  });

  it('renewals caught up at once: each window starts where the one before it did', () => {
    const caughtUp = planSubscriptionSync({
      previous: stored(firstPlan(loopsSub())),
      loops: loopsSub({ current_period_start: month(3), current_period_end: month(4), latest_charge: 'ch_4' }),
      nowSeconds: month(3) + 10,
    });
    expect(invoicesIn(caughtUp).map((invoice) => [invoice.period_start, invoice.period_end])).toEqual([
      [T0, month(1)],
      [month(1), month(2)],
      [month(2), month(3)],
    ]);
  });

  it('a trial: its $0 invoice has an empty window; the first paid one runs from the trial’s start to its end', () => {
    const trialEnd = T0 + 14 * DAY;
    const trialing = trialingSub(trialEnd);
    const created = planSubscriptionSync({ previous: undefined, create: newFacts(), loops: trialing, nowSeconds: T0 });
    expect(invoicesIn(created)).toEqual([expect.objectContaining({ period_start: T0, period_end: T0 })]);
    const active = planSubscriptionSync({
      previous: stored(created),
      loops: afterTrialSub(trialEnd),
      nowSeconds: trialEnd + 1,
    });
    expect(invoicesIn(active)).toEqual([expect.objectContaining({ billing_reason: 'subscription_cycle', period_start: T0, period_end: trialEnd })]);
  });

  it('a renewal Loops could not charge: the open invoice has the same window, and keeps it once paid', () => {
    const failed = planSubscriptionSync({
      previous: stored(firstPlan(loopsSub())),
      loops: loopsSub({ status: 'past_due', latest_charge: 'ch_fail1' }),
      nowSeconds: month(1) + 5,
      charge: { id: 'ch_fail1', status: 'failed', failureMessage: 'Your card was declined.' },
    });
    expect(invoicesIn(failed)).toEqual([expect.objectContaining({ period_start: T0, period_end: month(1) })]);
    const recovered = planSubscriptionSync({
      previous: stored(failed),
      loops: loopsSub({ current_period_start: month(1), current_period_end: month(2), latest_charge: 'ch_ok' }),
      nowSeconds: month(1) + 2 * DAY,
    });
    expect(invoicesIn(recovered, 'invoice.paid')).toEqual([expect.objectContaining({ period_start: T0, period_end: month(1) })]);
  });

  it('periodStartBefore: the grid point before, or one interval back off the grid', () => {
    expect(periodStartBefore(T0, 'month', month(2))).toBe(month(1));
    expect(periodStartBefore(T0, 'month', month(1))).toBe(T0);
    // From 31 Jan the grid runs 28 Feb, 31 Mar, 30 Apr: before 30 Apr is 31 Mar, a month back is not.
    expect(periodStartBefore(T0, 'month', Date.UTC(2026, 3, 30, 12) / 1000)).toBe(Date.UTC(2026, 2, 31, 12) / 1000);
    // 15 Apr is off the grid (an anchor the gateway had to guess): one month back.
    expect(periodStartBefore(T0, 'month', Date.UTC(2026, 3, 15, 12) / 1000)).toBe(Date.UTC(2026, 2, 15, 12) / 1000);
    expect(periodStartBefore(T0, 'year', addIntervals(T0, 'year', 1))).toBe(T0);
    // Before the anchor itself: a month back, 31 Dec.
    expect(periodStartBefore(T0, 'month', T0)).toBe(Date.UTC(2025, 11, 31, 12) / 1000);
  });
});
