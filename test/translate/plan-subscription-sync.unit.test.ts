import { addIntervals, periodStartsBetween } from '../../src/translate/billing-period';
import { planSubscriptionSync, type SyncPlan } from '../../src/translate/plan-subscription-sync';
import { DAY, T0, loopsSub, newFacts, stored, afterTrialSub, trialingSub } from '../helpers/subscription-records';

const facts = newFacts;
const types = (plan: SyncPlan | undefined) => plan?.events.map((event) => event.type) ?? [];

describe('planSubscriptionSync: one Loops state, one set of events', () => {
  it('a new paid subscription: created, then its first invoice made and paid', () => {
    const plan = planSubscriptionSync({ previous: undefined, create: facts(), loops: loopsSub(), nowSeconds: T0 + 5 });
    expect(types(plan)).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    expect(plan?.invoices).toHaveLength(1);
    expect(plan?.invoices[0]).toMatchObject({ billingReason: 'subscription_create', status: 'paid', amount: 900, chargeId: 'ch_first' });
    expect(plan?.events.map((event) => (event.object as { status: string }).status)).toEqual(['active', 'draft', 'open', 'paid', 'paid']);
    expect(plan?.record.invoices).toMatchObject({ first: plan?.invoices[0]?.id, latest: plan?.invoices[0]?.id, paidThrough: T0, open: null });
    expect(plan?.record.dueAt).toBe(addIntervals(T0, 'month', 1) + 60);
  });

  it('the same state again is no change at all (a duplicated or late webhook)', () => {
    const first = stored(planSubscriptionSync({ previous: undefined, create: facts(), loops: loopsSub(), nowSeconds: T0 }));
    expect(planSubscriptionSync({ previous: first, loops: loopsSub(), nowSeconds: T0 + 3600 })).toBeUndefined();
  });

  it('a renewal: the new period is invoiced and paid; updated names the old items and latest_invoice', () => {
    const first = stored(planSubscriptionSync({ previous: undefined, create: facts(), loops: loopsSub(), nowSeconds: T0 }));
    const end = addIntervals(T0, 'month', 1);
    const plan = planSubscriptionSync({
      previous: first,
      loops: loopsSub({ current_period_start: end, current_period_end: addIntervals(T0, 'month', 2), latest_charge: 'ch_2' }),
      nowSeconds: end + 1,
    });
    expect(types(plan)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ]);
    expect(plan?.invoices[0]).toMatchObject({
      billingReason: 'subscription_cycle',
      periodStart: end,
      chargeId: 'ch_2',
      number: expect.stringMatching(/-0002$/),
    });
    const updated = plan?.events.at(-1);
    expect(Object.keys(updated && 'previousAttributes' in updated ? (updated.previousAttributes ?? {}) : {}).sort()).toEqual([
      'items',
      'latest_invoice',
    ]);
    // 31 Jan → 28 Feb → 31 Mar: counted from the anchor, not from the previous period.
    expect(end).toBe(Date.UTC(2026, 1, 28, 12) / 1000);
    expect(addIntervals(T0, 'month', 2)).toBe(Date.UTC(2026, 2, 31, 12) / 1000);
  });

  it('renewals missed while webhooks were lost are each invoiced, on the anchor grid', () => {
    const first = stored(planSubscriptionSync({ previous: undefined, create: facts(), loops: loopsSub(), nowSeconds: T0 }));
    const plan = planSubscriptionSync({
      previous: first,
      loops: loopsSub({
        current_period_start: addIntervals(T0, 'month', 3),
        current_period_end: addIntervals(T0, 'month', 4),
        latest_charge: 'ch_4',
      }),
      nowSeconds: addIntervals(T0, 'month', 3) + 10,
    });
    expect(plan?.invoices.map((invoice) => invoice.periodStart)).toEqual([1, 2, 3].map((k) => addIntervals(T0, 'month', k)));
    expect(plan?.invoices.map((invoice) => invoice.chargeId)).toEqual([null, null, 'ch_4']);
    expect(types(plan).filter((type) => type === 'invoice.paid')).toHaveLength(3);
    expect(types(plan).filter((type) => type.startsWith('customer.'))).toEqual(['customer.subscription.updated']);
  });

  it('a failed renewal, a failed retry, then recovery: one open invoice, one payment_failed per attempt', () => {
    const first = stored(planSubscriptionSync({ previous: undefined, create: facts(), loops: loopsSub(), nowSeconds: T0 }));
    const end = addIntervals(T0, 'month', 1);
    const failing = planSubscriptionSync({
      previous: first,
      loops: loopsSub({ status: 'past_due', latest_charge: 'ch_fail1' }),
      nowSeconds: end + 5,
      charge: { id: 'ch_fail1', status: 'failed', failureMessage: 'Your card was declined.' },
    });
    expect(types(failing)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.payment_failed', 'customer.subscription.updated']);
    const open = failing?.record.invoices.open;
    expect(open).toMatchObject({ status: 'open', periodStart: end, failedCharges: ['ch_fail1'], nextPaymentAttempt: end + DAY });
    expect(open?.failureMessage).toBe('Your card was declined.');
    const updated = failing?.events.at(-1);
    expect(updated && 'previousAttributes' in updated ? updated.previousAttributes : undefined).toEqual({
      latest_invoice: first.invoices.latest,
      status: 'active',
    });

    const afterFirstFailure = stored(failing);
    const retried = planSubscriptionSync({
      previous: afterFirstFailure,
      loops: loopsSub({ status: 'past_due', latest_charge: 'ch_fail2' }),
      nowSeconds: end + DAY + 5,
    });
    expect(types(retried)).toEqual(['invoice.payment_failed']);
    expect(retried?.events[0]?.object).toMatchObject({ attempt_count: 2, next_payment_attempt: end + 2 * DAY });
    // The same failure reported again (the webhook and the sweep both see it) is nothing new.
    expect(
      planSubscriptionSync({
        previous: stored(retried),
        loops: loopsSub({ status: 'past_due', latest_charge: 'ch_fail2' }),
        nowSeconds: end + DAY + 9,
      }),
    ).toBeUndefined();

    const recovered = planSubscriptionSync({
      previous: stored(retried),
      loops: loopsSub({ current_period_start: end, current_period_end: addIntervals(T0, 'month', 2), latest_charge: 'ch_ok' }),
      nowSeconds: end + 2 * DAY + 5,
    });
    expect(types(recovered)).toEqual(['invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.updated']);
    expect(recovered?.invoices[0]).toMatchObject({ id: open?.id, status: 'paid', chargeId: 'ch_ok', failedCharges: ['ch_fail1', 'ch_fail2'] });
    expect(recovered?.events[0]?.object).toMatchObject({ status: 'paid', attempt_count: 3, amount_paid: 900 });
    expect(recovered?.record.invoices.open).toBeNull();
  });

  it('retries exhausted: deleted with reason payment_failed; the unpaid invoice stays open, not retried', () => {
    const end = addIntervals(T0, 'month', 1);
    let record = stored(planSubscriptionSync({ previous: undefined, create: facts(), loops: loopsSub(), nowSeconds: T0 }));
    record = stored(planSubscriptionSync({ previous: record, loops: loopsSub({ status: 'past_due', latest_charge: 'ch_f1' }), nowSeconds: end }));
    const ended = planSubscriptionSync({
      previous: record,
      loops: loopsSub({ status: 'canceled', latest_charge: 'ch_f4', canceled_at: end + 3 * DAY, ended_at: end + 3 * DAY }),
      nowSeconds: end + 3 * DAY,
    });
    expect(types(ended)).toEqual(['customer.subscription.deleted']);
    expect(ended?.events[0]?.object).toMatchObject({
      status: 'canceled',
      cancel_at: null,
      cancellation_details: { reason: 'payment_failed' },
      ended_at: end + 3 * DAY,
    });
    expect(ended?.invoices).toEqual([expect.objectContaining({ status: 'open', nextPaymentAttempt: null })]);
    expect(ended?.record).toMatchObject({ dueAt: null, invoices: { open: null } });
  });

  it.each([
    ['classic', true],
    ['flexible', false],
  ] as const)('a cancellation at period end made on Loops’ side, %s billing mode: cancel_at_period_end %s', (mode, flag) => {
    const first = stored(planSubscriptionSync({ previous: undefined, create: facts(mode), loops: loopsSub(), nowSeconds: T0 }));
    const end = addIntervals(T0, 'month', 1);
    const scheduled = planSubscriptionSync({
      previous: first,
      loops: loopsSub({ cancel_at_period_end: true, canceled_at: T0 + 100 }),
      nowSeconds: T0 + 100,
    });
    expect(scheduled?.events[0]?.object).toMatchObject({
      status: 'active',
      cancel_at_period_end: flag,
      cancel_at: end,
      canceled_at: T0 + 100,
      cancellation_details: { reason: 'cancellation_requested' },
    });
    const ended = planSubscriptionSync({
      previous: stored(scheduled),
      loops: loopsSub({ status: 'canceled', cancel_at_period_end: true, canceled_at: T0 + 100, ended_at: end }),
      nowSeconds: end,
    });
    expect(types(ended)).toEqual(['customer.subscription.deleted']);
    expect(ended?.events[0]?.object).toMatchObject({ cancel_at_period_end: flag, cancel_at: end, ended_at: end, canceled_at: T0 + 100 });
  });

  it('a trial: the $0 invoice at once, trial_will_end three days before its end, then the first paid period', () => {
    const trialEnd = T0 + 14 * DAY;
    const trialing = trialingSub(trialEnd);
    const created = planSubscriptionSync({ previous: undefined, create: facts(), loops: trialing, nowSeconds: T0 });
    expect(types(created)).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    expect(created?.invoices[0]).toMatchObject({ trial: true, amount: 0, billingReason: 'subscription_create' });
    expect(created?.record.dueAt).toBe(trialEnd - 3 * DAY);

    const early = stored(created);
    expect(planSubscriptionSync({ previous: early, loops: trialing, nowSeconds: trialEnd - 4 * DAY })).toBeUndefined();
    const warned = planSubscriptionSync({ previous: early, loops: trialing, nowSeconds: trialEnd - 3 * DAY });
    expect(types(warned)).toEqual(['customer.subscription.trial_will_end']);
    expect(planSubscriptionSync({ previous: stored(warned), loops: trialing, nowSeconds: trialEnd - DAY })).toBeUndefined();

    const active = planSubscriptionSync({
      previous: stored(warned),
      loops: afterTrialSub(trialEnd),
      nowSeconds: trialEnd + 1,
    });
    expect(types(active)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
    ]);
    expect(active?.invoices[0]).toMatchObject({ trial: false, amount: 900, billingReason: 'subscription_cycle', periodStart: trialEnd });
    const updated = active?.events.at(-1);
    expect(updated && 'previousAttributes' in updated ? updated.previousAttributes?.status : undefined).toBe('trialing');
  });

  it('first seen already canceled (its webhooks lost): created, its invoice, then deleted', () => {
    const plan = planSubscriptionSync({
      previous: undefined,
      create: facts(),
      loops: loopsSub({ status: 'canceled', canceled_at: T0 + 50, ended_at: T0 + 50 }),
      nowSeconds: T0 + 60,
    });
    expect(types(plan)).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.deleted',
    ]);
    expect(plan?.record.dueAt).toBeNull();
  });

  it('first seen after two renewals (its webhooks lost): every period since the first is invoiced, the first as subscription_create', () => {
    const plan = planSubscriptionSync({
      previous: undefined,
      create: facts(),
      loops: loopsSub({
        current_period_start: addIntervals(T0, 'month', 2),
        current_period_end: addIntervals(T0, 'month', 3),
        latest_charge: 'ch_3',
      }),
      nowSeconds: addIntervals(T0, 'month', 2) + 10,
    });
    expect(plan?.record.anchor).toBe(T0);
    expect(plan?.invoices.map((invoice) => [invoice.periodStart, invoice.billingReason, invoice.chargeId])).toEqual([
      [T0, 'subscription_create', null],
      [addIntervals(T0, 'month', 1), 'subscription_cycle', null],
      [addIntervals(T0, 'month', 2), 'subscription_cycle', 'ch_3'],
    ]);
    // A Loops whose first period does not start at `created`: only the current period is certain.
    const offGrid = planSubscriptionSync({
      previous: undefined,
      create: facts(),
      loops: loopsSub({ created: T0 - 7, current_period_start: addIntervals(T0, 'month', 2), current_period_end: addIntervals(T0, 'month', 3) }),
      nowSeconds: addIntervals(T0, 'month', 2) + 10,
    });
    expect(offGrid?.record.anchor).toBe(addIntervals(T0, 'month', 2));
    expect(offGrid?.invoices.map((invoice) => invoice.billingReason)).toEqual(['subscription_cycle']);
  });

  it('periodStartsBetween bounds its work and falls back to the current period off the grid', () => {
    expect(periodStartsBetween(T0, 'month', T0, addIntervals(T0, 'month', 2))).toEqual([addIntervals(T0, 'month', 1), addIntervals(T0, 'month', 2)]);
    expect(periodStartsBetween(T0, 'month', T0, T0 + 40 * DAY)).toEqual([T0 + 40 * DAY]);
    const longAgo = periodStartsBetween(T0, 'year', T0, addIntervals(T0, 'year', 500));
    expect(longAgo).toHaveLength(36);
    expect(longAgo.at(-1)).toBe(addIntervals(T0, 'year', 500));
    expect(periodStartsBetween(T0, 'month', T0, addIntervals(T0, 'month', 100))).toHaveLength(36);
  });
});
