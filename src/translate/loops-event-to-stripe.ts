import {
  loopsChargeSchema,
  loopsSubscriptionSchema,
  parseSubscriptionEventObject,
  type LoopsCharge,
  type LoopsEvent,
} from '../loops/loops-webhook-schemas';
import { loopsV3SessionSchema } from '../loops/loops-schemas';
import { fromLoopsV3Amount } from '../loops/v3-amounts';
import { completionReportOfV3, type CompletionReport } from './completion-report';
import { loopsTotalInMinorUnits } from './loops-session-total';
import type { LoopsSessionState } from './session-state';

/** What one Loops webhook event means for the gateway. */
export type LoopsEventAction =
  /** A session reached a state; the session sync emits the Stripe event (once per session). */
  | ({
      kind: 'settle';
      sessionId: string;
      state: LoopsSessionState;
      paymentIntent?: string | null;
      customerEmail?: string | null;
      /** What Loops charged, in Stripe's minor units: it tells an adjustable item's final quantity. */
      amountTotal?: number | null;
    } & CompletionReport)
  /** A Stripe `charge.*` event about the session's charge. */
  | { kind: 'charge'; stripeType: 'charge.succeeded' | 'charge.refunded'; sessionId: string; charge: LoopsCharge }
  | { kind: 'subscription'; sessionId: string; subscriptionId: string }
  /**
   * Something happened to a subscription (§8.4): the subscription sync reads Loops' current state
   * and announces what changed (plan-subscription-sync.ts). The webhook's own copy is never used
   * as the state: deliveries are unordered, so it may be older than Loops'. A charge adds what
   * only it carries: its id and failure message.
   */
  | { kind: 'subscription_sync'; subscriptionId: string; charge?: { id: string; status: 'succeeded' | 'failed'; failureMessage: string | null } }
  /** A renewal's charge (no checkout session): Stripe's `charge.succeeded` / `charge.failed`, from the subscription. */
  | { kind: 'subscription_charge'; stripeType: 'charge.succeeded' | 'charge.failed'; subscriptionId: string; charge: LoopsCharge };

type Translator = (object: Record<string, unknown>) => LoopsEventAction[];

const session =
  (state: LoopsSessionState): Translator =>
  (object) => {
    const parsed = loopsV3SessionSchema.parse(object);
    return [
      {
        kind: 'settle',
        sessionId: parsed.id,
        state,
        paymentIntent: parsed.payment_intent,
        customerEmail: parsed.customer_email,
        amountTotal: loopsTotalInMinorUnits(parsed),
        ...completionReportOfV3(parsed),
      },
    ];
  };

const sessionOfCharge = (charge: LoopsCharge) => charge.checkout_session ?? '';

const syncSubscription = (object: Record<string, unknown>, type: 'subscription.created' | 'subscription.updated' | 'subscription.canceled') => {
  const subscription = parseSubscriptionEventObject(type, object);
  return { kind: 'subscription_sync' as const, subscriptionId: subscription.id };
};

/**
 * The translation table (documented in docs/webhooks.md). Loops sends both
 * `checkout.session.completed` and `charge.succeeded` for one payment, in either order; both settle
 * the session as completed, and the session sync emits `checkout.session.completed` only for the
 * first. `checkout.session.failed` becomes `checkout.session.expired`: a failed Loops session can
 * never be paid again, which is Stripe's expired, and `checkout.session.expired` is the event
 * Stripe integrations already handle to release stock or chase the customer.
 */
export const LOOPS_EVENT_TABLE: Record<string, Translator> = {
  'checkout.session.completed': session('completed'),
  'checkout.session.expired': session('expired'),
  'checkout.session.failed': session('failed'),
  'charge.succeeded': (object) => {
    const charge = loopsChargeSchema.parse(object);
    const renewal: LoopsEventAction[] = charge.subscription
      ? [{ kind: 'subscription_sync', subscriptionId: charge.subscription, charge: { id: charge.id, status: 'succeeded', failureMessage: null } }]
      : [];
    // A renewal's charge (§8.4) names no checkout session: it only concerns the subscription.
    if (!charge.checkout_session && charge.subscription) {
      return [...renewal, { kind: 'subscription_charge', stripeType: 'charge.succeeded', subscriptionId: charge.subscription, charge }];
    }
    return [
      {
        kind: 'settle',
        sessionId: sessionOfCharge(charge),
        state: 'completed',
        paymentIntent: charge.payment_intent,
        customerEmail: charge.customer_email,
        // The charge is the session's payment: its amount is the session's total.
        amountTotal: fromLoopsV3Amount(charge.amount, charge.currency),
        // Something was paid; a subscription checkout's charge names its subscription (§8.4).
        noPaymentRequired: false,
        ...(charge.subscription ? { subscription: charge.subscription } : {}),
      },
      { kind: 'charge', stripeType: 'charge.succeeded', sessionId: sessionOfCharge(charge), charge },
      ...renewal,
    ];
  },
  'charge.failed': (object) => {
    const charge = parseSubscriptionEventObject('charge.failed', object);
    return [
      {
        kind: 'subscription_sync',
        subscriptionId: charge.subscription,
        charge: { id: charge.id, status: 'failed', failureMessage: charge.failure_message },
      },
      { kind: 'subscription_charge', stripeType: 'charge.failed', subscriptionId: charge.subscription, charge },
    ];
  },
  'charge.refunded': (object) => {
    const charge = loopsChargeSchema.parse(object);
    return [{ kind: 'charge', stripeType: 'charge.refunded', sessionId: sessionOfCharge(charge), charge }];
  },
  'subscription.created': (object) => {
    const subscription = loopsSubscriptionSchema.parse(object);
    return [
      syncSubscription(object, 'subscription.created'),
      { kind: 'subscription', sessionId: subscription.checkout_session ?? '', subscriptionId: subscription.id },
    ];
  },
  'subscription.updated': (object) => [syncSubscription(object, 'subscription.updated')],
  'subscription.canceled': (object) => [syncSubscription(object, 'subscription.canceled')],
};

/** Actions for a Loops event; undefined for a type the table does not know (stored and logged). */
export function translateLoopsEvent(event: LoopsEvent): LoopsEventAction[] | undefined {
  return LOOPS_EVENT_TABLE[event.type]?.(event.data.object);
}
