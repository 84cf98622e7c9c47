import type { LoopsEvent } from '../../loops/loops-webhook-schemas';
import { isLoopsError } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import { isSubscriptionId } from '../../stripe/params/billing-ids';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { LoopsEventAction } from '../../translate/loops-event-to-stripe';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import { chargeEventDedupeKey, chargeObjectFromLoops } from '../../translate/loops-charge-to-stripe';
import { subscriptionMetadata } from '../../stripe/objects/subscription-object';
import type { EventPublisher } from '../events/event-publisher';
import type { BillingContract } from '../subscriptions/billing-switch';
import type { SubscriptionSync } from '../subscriptions/subscription-sync';

export interface SubscriptionWebhookDeps {
  sync: SubscriptionSync;
  store: SubscriptionStore;
  contract: BillingContract;
}

type SubscriptionAction = Extract<LoopsEventAction, { kind: 'subscription_sync' | 'subscription_charge' }>;

const AUTOMATIC = { id: null, idempotency_key: null };

/**
 * Loops' §8.4 events. Each one only triggers a sync of its subscription (subscription-sync.ts):
 * the Stripe events come from the difference between the stored subscription and Loops' state,
 * so a webhook that is repeated, late or out of order announces nothing twice, and one that is
 * lost is made up for by the next sync. A renewal's charge also becomes Stripe's own
 * `charge.succeeded` / `charge.failed`, once per charge. A failure to read Loops is a 5xx, so
 * Loops sends the event again.
 */
export function createSubscriptionWebhooks(deps: SubscriptionWebhookDeps, publisher: EventPublisher) {
  /** `logger`: the webhook request's (its id on every line). */
  async function apply(tenantId: string, event: LoopsEvent, action: SubscriptionAction, logger: Logger): Promise<boolean> {
    // Loops' ids become store keys only once they look like subscription ids.
    if (!deps.contract.subscriptions || !isSubscriptionId(action.subscriptionId)) return false;
    if (action.kind === 'subscription_sync') {
      let record;
      try {
        record = await deps.sync.syncFromLoops(
          tenantId,
          action.subscriptionId,
          { source: 'loops_webhook' },
          logger,
          action.charge ? { charge: action.charge } : {},
        );
      } catch (error) {
        throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
      }
      if (!record)
        logger.warn(
          { loopsEventId: event.id, type: event.type, subscription: action.subscriptionId },
          'Loops event for a subscription that is not this tenant’s',
        );
      return record !== undefined;
    }
    const record = await deps.store.get(tenantId, action.subscriptionId);
    if (!record) return false;
    // A renewal's charge carries the subscription's customer, email and metadata (§8.4).
    const object = chargeObjectFromLoops(action.charge, {
      livemode: record.livemode,
      metadata: subscriptionMetadata(record),
      customer: record.customer,
      email: record.loops.customer_email,
      paymentIntent: null,
      description: 'Subscription update',
      createdFallback: record.loops.current_period_start,
    });
    await publisher.publish(
      tenantId,
      { type: action.stripeType, object, livemode: record.livemode, request: AUTOMATIC },
      chargeEventDedupeKey(action.stripeType, action.charge.id, event.id),
      logger,
    );
    return true;
  }

  return { apply };
}
