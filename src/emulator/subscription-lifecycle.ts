import { addDays, addIntervals } from './billing-period';
import { recordCharge } from './charges';
import type { EmulatorContext } from './context';
import { ApiError, subscriptionNotFound } from './errors';
import { emit } from './events';
import { newId } from './ids';
import { renderCharge } from './render/charge';
import { renderSubscription, subscriptionAmount } from './render/subscription';
import { wholeSecond } from './session-factory';
import type { ChargeRecord, LineItemRecord, Metadata, SessionRecord, SubscriptionData, SubscriptionRecord } from './state';

/**
 * Subscription state changes and their webhooks (docs/loops-contract.md §8.1, §8.4). Every change goes
 * through here; the test clock (due-work.ts) calls `runSubscriptionAction` when `nextActionMs`
 * falls due.
 */

/** §8.1 [chosen]: a renewal that failed is retried 1, 2 and 3 days after the period end; the 3rd failed retry ends it. */
export const RENEWAL_RETRIES = 3;
const RETRY_SPACING_DAYS = 1;
/** Stripe's wording for a declined card, the default `failure_message` of a failed charge. */
export const DEFAULT_FAILURE_MESSAGE = 'Your card was declined.';

export function requireSubscription(context: EmulatorContext, id: string): SubscriptionRecord {
  const subscription = context.state.subscriptions.get(id);
  if (!subscription) throw subscriptionNotFound();
  return subscription;
}

/**
 * The subscription a completed subscription-mode checkout creates (§8.1): `active` for the paid
 * first period (period = now → now + interval), or `trialing` for the trial (period = the trial),
 * charged nothing. A session has exactly one line item in subscription mode (session-factory.ts).
 */
export function createSubscription(context: EmulatorContext, session: SessionRecord, charge: ChargeRecord | null, nowMs: number): SubscriptionRecord {
  const item = session.lineItems[0];
  if (!item) throw new Error(`subscription session ${session.id} has no line item`);
  const start = wholeSecond(nowMs);
  const interval = session.recurringInterval ?? item.recurringInterval ?? 'month';
  const trialEnd = trialEndMs(session.subscriptionData, start);
  const pricing = periodPricing(session, item);
  const subscription: SubscriptionRecord = {
    id: newId('sub'),
    status: trialEnd === null ? 'active' : 'trialing',
    sessionId: session.id,
    externalCustomerId: session.externalCustomerId,
    customerEmail: session.customerDetails?.email ?? session.customerEmail,
    productId: item.productId,
    priceId: item.priceId,
    productName: item.productName,
    quantity: pricing.quantity,
    unitAmount: pricing.unitAmount,
    currency: session.currency,
    interval,
    anchorMs: trialEnd ?? start,
    paidPeriods: trialEnd === null ? 1 : 0,
    currentPeriodStartMs: start,
    currentPeriodEndMs: trialEnd ?? addIntervals(start, interval, 1),
    trialStartMs: trialEnd === null ? null : start,
    trialEndMs: trialEnd,
    cancelAtPeriodEnd: false,
    canceledAtMs: null,
    endedAtMs: null,
    latestChargeId: charge?.id ?? null,
    failedRetries: 0,
    failNextCharges: 0,
    failureMessage: null,
    metadata: { ...(session.subscriptionData?.metadata ?? {}) },
    createdMs: nowMs,
  };
  context.state.subscriptions.set(subscription.id, subscription);
  return subscription;
}

/**
 * What each period costs: the line item's unit price × quantity, which is the session's total,
 * unless a V2 update (§3.1 `amount`) changed that total; then the subscription renews at the
 * amount the checkout showed, as quantity 1 [chosen].
 */
function periodPricing(session: SessionRecord, item: LineItemRecord): { unitAmount: number; quantity: number } {
  if (item.unitAmount * item.quantity === session.amount) return { unitAmount: item.unitAmount, quantity: item.quantity };
  return { unitAmount: session.amount, quantity: 1 };
}

/**
 * A trial counts from the payment: `trial_period_days` after it, or the fixed `trial_end`. A fixed
 * end the payment came too late for (the session was open longer than the trial) ends the trial at
 * once: the first charge is the next due work.
 */
function trialEndMs(data: SubscriptionData | null, startMs: number): number | null {
  if (data?.trialPeriodDays != null) return addDays(startMs, data.trialPeriodDays);
  if (data?.trialEndMs != null) return Math.max(wholeSecond(data.trialEndMs), startMs);
  return null;
}

/** When the subscription next needs the clock: its period end, or its next retry while `past_due`. */
export function nextActionMs(subscription: SubscriptionRecord): number | null {
  switch (subscription.status) {
    case 'canceled':
      return null;
    case 'past_due':
      return addDays(subscription.currentPeriodEndMs, (subscription.failedRetries + 1) * RETRY_SPACING_DAYS);
    default:
      return subscription.currentPeriodEndMs;
  }
}

/**
 * The due action (§8.1): end it if `cancel_at_period_end` (also while `past_due`: the period it
 * would renew has ended), else charge. Success → the period advances from the old end, `active`;
 * failure → `past_due`, and the 3rd failed retry ends it. A trial's end is its first charge.
 */
export function runSubscriptionAction(context: EmulatorContext, subscription: SubscriptionRecord): void {
  const due = nextActionMs(subscription);
  if (due === null) return;
  if (subscription.cancelAtPeriodEnd) {
    endSubscription(context, subscription, due);
    return;
  }
  const charge = chargeSubscription(context, subscription);
  if (charge.status === 'succeeded') {
    subscription.paidPeriods += 1;
    subscription.currentPeriodStartMs = addIntervals(subscription.anchorMs, subscription.interval, subscription.paidPeriods - 1);
    subscription.currentPeriodEndMs = addIntervals(subscription.anchorMs, subscription.interval, subscription.paidPeriods);
    subscription.status = 'active';
    subscription.failedRetries = 0;
    emit(context, 'charge.succeeded', renderCharge(charge));
    emit(context, 'subscription.updated', renderSubscription(subscription));
    return;
  }
  emit(context, 'charge.failed', renderCharge(charge));
  if (subscription.status !== 'past_due') {
    subscription.status = 'past_due';
    subscription.failedRetries = 0;
    emit(context, 'subscription.updated', renderSubscription(subscription));
    return;
  }
  subscription.failedRetries += 1;
  if (subscription.failedRetries >= RENEWAL_RETRIES) endSubscription(context, subscription, due);
}

/** One charge of the current amount; it fails when `fail-next-charge` asked for it. */
function chargeSubscription(context: EmulatorContext, subscription: SubscriptionRecord): ChargeRecord {
  const fails = subscription.failNextCharges > 0;
  if (fails) subscription.failNextCharges -= 1;
  const charge = recordCharge(context, {
    sessionId: null,
    subscriptionId: subscription.id,
    status: fails ? 'failed' : 'succeeded',
    failureMessage: fails ? (subscription.failureMessage ?? DEFAULT_FAILURE_MESSAGE) : null,
    amount: subscriptionAmount(subscription),
    currency: subscription.currency,
    customerEmail: subscription.customerEmail,
    metadata: subscription.metadata,
  });
  subscription.latestChargeId = charge.id;
  return charge;
}

export interface SubscriptionChange {
  cancelAtPeriodEnd?: boolean;
  metadata?: Metadata;
  quantity?: number;
}

/**
 * PUT and the portal's cancel-at-period-end / resume (§8.2): a canceled subscription is a 400 and
 * stays as it is. `canceled_at` is the time cancellation was asked for, cleared by a resume
 * [chosen, as Stripe]. `quantity` (and with it `amount`) applies from the next charge, without
 * proration. `subscription.updated` is sent only when something changed.
 */
export function updateSubscription(context: EmulatorContext, subscription: SubscriptionRecord, change: SubscriptionChange): void {
  if (subscription.status === 'canceled') throw new ApiError(400, 'subscription_canceled', 'Subscription is canceled and cannot be changed');
  let changed = false;
  if (change.cancelAtPeriodEnd !== undefined && change.cancelAtPeriodEnd !== subscription.cancelAtPeriodEnd) {
    subscription.cancelAtPeriodEnd = change.cancelAtPeriodEnd;
    subscription.canceledAtMs = change.cancelAtPeriodEnd ? context.clock.nowMs() : null;
    changed = true;
  }
  if (change.metadata !== undefined && !sameMetadata(change.metadata, subscription.metadata)) {
    subscription.metadata = { ...change.metadata };
    changed = true;
  }
  if (change.quantity !== undefined && change.quantity !== subscription.quantity) {
    subscription.quantity = change.quantity;
    changed = true;
  }
  if (changed) emit(context, 'subscription.updated', renderSubscription(subscription));
}

/** DELETE and the portal's cancel now (§8.2): ends it at once, no refund; a canceled one stays as it is. */
export function cancelSubscriptionNow(context: EmulatorContext, subscription: SubscriptionRecord): void {
  if (subscription.status === 'canceled') return;
  const now = context.clock.nowMs();
  subscription.canceledAtMs = now;
  endSubscription(context, subscription, now);
}

/** `POST /_emulator/subscriptions/{id}/fail-next-charge` (§8.5): the next `times` charges are declined. */
export function failNextCharges(subscription: SubscriptionRecord, times: number, message: string | undefined): void {
  if (subscription.status === 'canceled') throw new ApiError(409, 'subscription_canceled', 'Subscription is canceled: it has no next charge');
  subscription.failNextCharges += times;
  if (message !== undefined) subscription.failureMessage = message;
}

function endSubscription(context: EmulatorContext, subscription: SubscriptionRecord, atMs: number): void {
  subscription.status = 'canceled';
  subscription.endedAtMs = atMs;
  subscription.canceledAtMs ??= atMs;
  emit(context, 'subscription.canceled', renderSubscription(subscription));
}

function sameMetadata(a: Metadata, b: Metadata): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
