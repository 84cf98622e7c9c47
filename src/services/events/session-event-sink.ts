import type { SessionRecord } from '../../store/session-record';
import { renderSession } from '../checkout-sessions/render-session';
import type { SessionEventSink, SettleCause } from '../session-events';
import type { EventPublisher } from './event-publisher';

const TYPE_BY_STATUS = { complete: 'checkout.session.completed', expired: 'checkout.session.expired' } as const;

/**
 * Turns a session's final state into its one Stripe event: the dedupe key is the session and the
 * event type, so a webhook, a retrieve, an expire call and the sweep all noticing the same payment
 * still make a single `checkout.session.completed`. The event carries the session as the merchant
 * created it, final status and line items included.
 */
export function createSessionEventSink(publisher: EventPublisher): SessionEventSink {
  return {
    async sessionSettled(record: SessionRecord, cause: SettleCause) {
      const status = record.session.status;
      if (status === 'open') return;
      const type = TYPE_BY_STATUS[status];
      // Stripe gives automatic events (not caused by an API call) a null request.
      const request =
        cause.source === 'api' ? { id: cause.request.id, idempotency_key: cause.request.idempotencyKey } : { id: null, idempotency_key: null };
      const object = renderSession(record, { lineItems: true, lineItemProducts: false, references: [] });
      await publisher.publish(record.tenantId, { type, object, livemode: record.session.livemode, request }, `session:${record.session.id}:${type}`);
    },
  };
}
