import type { LoopsV3Subscription } from '../../src/loops/loops-schemas';
import { buildPriceObject } from '../../src/stripe/objects/price-object';
import { storedPriceSchema, type SubscriptionRecord } from '../../src/store/subscription-record';
import { addIntervals } from '../../src/translate/billing-period';
import { planSubscriptionSync, type NewSubscriptionFacts, type SyncPlan } from '../../src/translate/plan-subscription-sync';

export const DAY = 86_400;
/** A 31st: monthly renewals land on month ends (31 Jan → 28 Feb → 31 Mar). */
export const T0 = Date.UTC(2026, 0, 31, 12, 0, 0) / 1000;

export const PRO_PRICE = storedPriceSchema.parse(
  buildPriceObject(
    { id: 'price_pro', productId: 'prod_pro', currency: 'usd', unitAmount: 900, recurring: { interval: 'month', intervalCount: 1 } },
    false,
  ),
);

export const newFacts = (billingMode: 'classic' | 'flexible' = 'flexible', tenantId = 't1'): NewSubscriptionFacts => ({
  tenantId,
  billingMode,
  customer: null,
  price: PRO_PRICE,
  product: null,
  productName: 'Pro',
});

/** Loops' §8.1 subscription object, active in its first month from T0, with overrides. */
export function loopsSub(overrides: Partial<LoopsV3Subscription> = {}): LoopsV3Subscription {
  return {
    id: 'sub_plan1',
    object: 'subscription',
    status: 'active',
    externalCustomerId: 'cus_1',
    customer_email: 'ada@example.com',
    productId: 'prod_loops',
    price: 'price_loops',
    quantity: 1,
    amount: 900,
    currency: 'usd',
    interval: 'month',
    current_period_start: T0,
    current_period_end: addIntervals(T0, 'month', 1),
    trial_start: null,
    trial_end: null,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    checkout_session: 'cs_1',
    latest_charge: 'ch_first',
    metadata: { plan: 'pro' },
    created: T0,
    livemode: false,
    ...overrides,
  };
}

/** Loops' subscription in a trial from T0 to `trialEnd`, before any charge. */
export const trialingSub = (trialEnd: number) =>
  loopsSub({ status: 'trialing', current_period_end: trialEnd, trial_start: T0, trial_end: trialEnd, latest_charge: null });

/** The same subscription once its trial ended: active in its first paid month, charged `ch_1`. */
export const afterTrialSub = (trialEnd: number) =>
  loopsSub({
    current_period_start: trialEnd,
    current_period_end: addIntervals(trialEnd, 'month', 1),
    trial_start: T0,
    trial_end: trialEnd,
    latest_charge: 'ch_1',
  });

/** The record a plan stores (the store bumps the version). */
export function stored(plan: SyncPlan | undefined): SubscriptionRecord {
  if (!plan) throw new Error('expected a plan');
  return { ...plan.record, version: plan.record.version + 1 };
}

/** A new subscription's first plan. */
export const firstPlan = (loops: LoopsV3Subscription, tenantId = 't1') =>
  planSubscriptionSync({ previous: undefined, create: newFacts('flexible', tenantId), loops, nowSeconds: loops.created + 5 });
