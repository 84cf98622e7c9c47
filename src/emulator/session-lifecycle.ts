import type { EmulatorContext } from './context';
import { ApiError, badRequest, sessionNotFound } from './errors';
import { buildEvent, type EventType } from './events';
import { newId } from './ids';
import { renderCharge, renderSubscription } from './render/charge';
import { renderSessionV3 } from './render/session-v3';
import type { ChargeRecord, SessionRecord, SubscriptionRecord } from './state';

/**
 * Session state changes and the webhooks they cause (loops-api.md §5). Every change goes through
 * here, so each event is sent exactly once per transition: a session leaves `open` only once.
 */
export function requireSession(context: EmulatorContext, id: string): SessionRecord {
  const session = context.state.sessions.get(id);
  if (!session) throw sessionNotFound();
  expireIfDue(context, session);
  return session;
}

/** Expiry is checked on every access as well as by the sweep (§6). */
export function expireIfDue(context: EmulatorContext, session: SessionRecord): boolean {
  if (session.status !== 'open' || session.expiresMs > context.clock.nowMs()) return false;
  markExpired(context, session);
  return true;
}

export function sweepExpired(context: EmulatorContext): number {
  let expired = 0;
  for (const session of context.state.sessions.values()) if (expireIfDue(context, session)) expired += 1;
  return expired;
}

export function expireSession(context: EmulatorContext, session: SessionRecord): void {
  assertOpen(context, session);
  markExpired(context, session);
}

export function failSession(context: EmulatorContext, session: SessionRecord): void {
  assertOpen(context, session);
  session.status = 'failed';
  session.updatedMs = context.clock.nowMs();
  emit(context, 'checkout.session.failed', renderSessionV3(context, session));
}

/** Pay: `checkout.session.completed` + `charge.succeeded` (+ `subscription.created`), §5. */
export function completeSession(context: EmulatorContext, session: SessionRecord): void {
  assertOpen(context, session);
  const now = context.clock.nowMs();
  const charge = createCharge(context, session, now);
  session.status = 'completed';
  session.completedMs = now;
  session.updatedMs = now;
  session.paymentIntentId = charge.paymentIntentId;
  session.chargeId = charge.id;
  const subscription = session.mode === 'subscription' ? createSubscription(context, session, now) : undefined;
  session.subscriptionId = subscription?.id ?? null;
  emit(context, 'checkout.session.completed', renderSessionV3(context, session));
  emit(context, 'charge.succeeded', renderCharge(charge));
  if (subscription) emit(context, 'subscription.created', renderSubscription(subscription));
}

/** Full refund by default; partial refunds add up; `refunded` turns true when all is returned. */
export function refundSession(context: EmulatorContext, session: SessionRecord, amount?: number): ChargeRecord {
  const charge = session.chargeId ? context.state.charges.get(session.chargeId) : undefined;
  if (session.status !== 'completed' || !charge) {
    throw new ApiError(409, 'session_not_completed', 'Only a completed session can be refunded');
  }
  const remaining = charge.amount - charge.amountRefunded;
  if (remaining === 0) throw new ApiError(409, 'charge_already_refunded', 'The charge has already been refunded in full');
  const refund = amount ?? remaining;
  if (refund < 1 || refund > remaining) throw badRequest(`refund amount must be between 1 and ${remaining} (minor units)`);
  charge.amountRefunded += refund;
  session.updatedMs = context.clock.nowMs();
  emit(context, 'charge.refunded', renderCharge(charge));
  return charge;
}

function markExpired(context: EmulatorContext, session: SessionRecord): void {
  session.status = 'expired';
  session.updatedMs = context.clock.nowMs();
  emit(context, 'checkout.session.expired', renderSessionV3(context, session));
}

function assertOpen(context: EmulatorContext, session: SessionRecord): void {
  expireIfDue(context, session);
  if (session.status !== 'open') throw new ApiError(409, 'session_not_open', `Checkout session is ${session.status}`);
}

function createCharge(context: EmulatorContext, session: SessionRecord, now: number): ChargeRecord {
  const charge: ChargeRecord = {
    id: newId('ch'),
    sessionId: session.id,
    paymentIntentId: newId('pi'),
    amount: session.amount,
    amountRefunded: 0,
    currency: session.currency,
    customerEmail: session.customerEmail,
    metadata: { ...session.metadata },
    createdMs: now,
  };
  context.state.charges.set(charge.id, charge);
  return charge;
}

function createSubscription(context: EmulatorContext, session: SessionRecord, now: number): SubscriptionRecord {
  const interval = session.recurringInterval ?? 'month';
  const end = new Date(now);
  if (interval === 'year') end.setUTCFullYear(end.getUTCFullYear() + 1);
  else end.setUTCMonth(end.getUTCMonth() + 1);
  const subscription: SubscriptionRecord = {
    id: newId('sub'),
    sessionId: session.id,
    productId: session.lineItems[0]?.productId ?? null,
    interval,
    customer: session.customer,
    externalCustomerId: session.externalCustomerId,
    metadata: { ...session.metadata },
    createdMs: now,
    currentPeriodEndMs: end.getTime(),
  };
  context.state.subscriptions.set(subscription.id, subscription);
  return subscription;
}

function emit(context: EmulatorContext, type: EventType, object: unknown): void {
  context.webhooks.send(buildEvent(type, object, context.clock));
}
