import { recordCharge } from './charges';
import type { EmulatorContext } from './context';
import { ApiError, badRequest, sessionNotFound } from './errors';
import { emit } from './events';
import { renderCharge } from './render/charge';
import { renderSessionV3 } from './render/session-v3';
import { renderSubscription } from './render/subscription';
import { isTrial, type ChargeRecord, type CustomerDetails, type SessionRecord } from './state';
import { createSubscription } from './subscription-lifecycle';

/**
 * Session state changes and the webhooks they cause (docs/loops-contract.md §5). Every change goes through
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

/**
 * Pay: `checkout.session.completed` + `charge.succeeded`, plus `subscription.created` in
 * subscription mode (§5, §8.4). A trial checkout charges nothing (§8.3): no charge, no payment
 * intent. `details` is what the customer typed on the hosted page (§8 [chosen]); the email
 * defaults to the session's `customer_email`.
 */
export function completeSession(context: EmulatorContext, session: SessionRecord, details: Partial<CustomerDetails> = {}): void {
  assertOpen(context, session);
  const now = context.clock.nowMs();
  session.customerDetails = { email: details.email ?? session.customerEmail, name: details.name ?? null };
  const charge = isTrial(session) ? null : chargeSession(context, session);
  session.status = 'completed';
  session.completedMs = now;
  session.updatedMs = now;
  session.paymentIntentId = charge?.paymentIntentId ?? null;
  session.chargeId = charge?.id ?? null;
  const subscription = session.mode === 'subscription' ? createSubscription(context, session, charge, now) : undefined;
  session.subscriptionId = subscription?.id ?? null;
  if (charge && subscription) charge.subscriptionId = subscription.id;
  emit(context, 'checkout.session.completed', renderSessionV3(context, session));
  if (charge) emit(context, 'charge.succeeded', renderCharge(charge));
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

function chargeSession(context: EmulatorContext, session: SessionRecord): ChargeRecord {
  return recordCharge(context, {
    sessionId: session.id,
    subscriptionId: null,
    status: 'succeeded',
    amount: session.amount,
    currency: session.currency,
    customerEmail: session.customerDetails?.email ?? session.customerEmail,
    metadata: session.metadata,
  });
}
