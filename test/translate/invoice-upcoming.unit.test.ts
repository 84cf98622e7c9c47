import { addIntervals } from '../../src/translate/billing-period';
import { nextDueAt, planSubscriptionSync, type SyncPlan } from '../../src/translate/plan-subscription-sync';
import { DAY, T0, firstPlan, loopsSub, newFacts, stored } from '../helpers/subscription-records';

/**
 * `invoice.upcoming` (docs/stripe-billing-contract.md §10 B): Stripe sends it X days before each
 * renewal (the account's "upcoming renewal events" setting; here UPCOMING_INVOICE_DAYS), once per
 * renewal, with the invoice the renewal will make, which has no id yet.
 */
const THREE_DAYS = 3 * DAY;
const month = (k: number) => addIntervals(T0, 'month', k);
const upcomingIn = (plan: SyncPlan | undefined) => (plan?.events ?? []).filter((event) => event.type === 'invoice.upcoming');
const syncAt = (previous: ReturnType<typeof stored>, nowSeconds: number, loops = loopsSub(), upcomingInvoiceDays = 3) =>
  planSubscriptionSync({ previous, loops, nowSeconds, upcomingInvoiceDays });
/** A new monthly subscription, stored, with the setting at three days. */
const active = () =>
  stored(planSubscriptionSync({ previous: undefined, create: newFacts(), loops: loopsSub(), nowSeconds: T0 + 5, upcomingInvoiceDays: 3 }));

describe('invoice.upcoming: days before each renewal, once', () => {
  it('is due three days before the renewal, and goes out then, once', () => {
    const record = active();
    expect(record.dueAt).toBe(month(1) - THREE_DAYS);
    expect(syncAt(record, month(1) - THREE_DAYS - 1)).toBeUndefined();
    const plan = syncAt(record, month(1) - THREE_DAYS);
    expect(plan?.events.map((event) => event.type)).toEqual(['invoice.upcoming']);
    expect(plan?.invoices).toEqual([]);
    expect(plan?.record).toMatchObject({ upcomingSentFor: month(1), dueAt: month(1) + 60 });
    expect(syncAt(stored(plan), month(1) - DAY)).toBeUndefined();
  });

  it('shows the invoice the renewal will make: no id, a draft for the next period, charged at the renewal', () => {
    const [event] = upcomingIn(syncAt(active(), month(1) - DAY));
    const invoice = event?.object as Record<string, unknown> & { lines: { data: Record<string, unknown>[]; url: string } };
    expect(invoice).not.toHaveProperty('id');
    expect(invoice).toMatchObject({
      object: 'invoice',
      status: 'draft',
      billing_reason: 'upcoming',
      number: null,
      amount_due: 900,
      amount_paid: 0,
      created: month(1),
      next_payment_attempt: month(1),
      period_start: T0,
      period_end: month(1),
      parent: { subscription_details: { subscription: 'sub_plan1' } },
    });
    expect(invoice.lines.data[0]).toMatchObject({ invoice: null, amount: 900, period: { start: month(1), end: month(2) } });
    expect(invoice.lines.url).toBe('/v1/invoices/upcoming/lines?subscription=sub_plan1');
  });

  it('goes out again before the next renewal', () => {
    const sent = stored(syncAt(active(), month(1) - DAY));
    const renewed = stored(
      syncAt(sent, month(1) + 5, loopsSub({ current_period_start: month(1), current_period_end: month(2), latest_charge: 'ch_2' })),
    );
    expect(upcomingIn(syncAt(renewed, month(1) + 5 + DAY, renewed.loops))).toEqual([]);
    expect(renewed.dueAt).toBe(month(2) - THREE_DAYS);
    expect(upcomingIn(syncAt(renewed, month(2) - THREE_DAYS, renewed.loops))).toHaveLength(1);
  });

  it('is not sent for a renewal that will not happen, nor once the renewal time has passed', () => {
    const record = active();
    expect(upcomingIn(syncAt(record, month(1) - DAY, loopsSub({ cancel_at_period_end: true })))).toEqual([]);
    expect(upcomingIn(syncAt(record, month(1) - DAY, loopsSub({ status: 'past_due' })))).toEqual([]);
    expect(
      upcomingIn(syncAt(record, month(1) - DAY, loopsSub({ status: 'canceled', canceled_at: month(1) - DAY, ended_at: month(1) - DAY }))),
    ).toEqual([]);
    // Read late (webhooks lost, the sweep away): the renewal is announced, not what was upcoming.
    const late = syncAt(record, month(1) + 10);
    expect(upcomingIn(late)).toEqual([]);
    expect(late?.record.upcomingSentFor).toBe(month(1));
  });

  it('never with the setting at 0; the due time is then the renewal’s alone', () => {
    const off = stored(firstPlan(loopsSub()));
    expect(off.dueAt).toBe(month(1) + 60);
    expect(nextDueAt(off, 0)).toBe(month(1) + 60);
    expect(syncAt(off, month(1) - DAY, loopsSub(), 0)).toBeUndefined();
  });
});
