import type { SessionRecord } from '../../store/session-record';
import { renderSession } from '../checkout-sessions/render-session';
import type { SessionEventSink, SettleCause } from '../session-events';
import type { EventPublisher } from './event-publisher';

const TYPE_BY_STATUS = { complete: 'checkout.session.completed', expired: 'checkout.session.expired' } as const;

/**
 * Turns a session's final state into its one Stripe event, carrying the session as the merchant
 * created it, final status and line items included. There is no dedupe key: the event is recorded
 * with the session's transition, which happens once (docs/webhooks.md, "Translation").
 */
export function createSessionEventSink(publisher: EventPublisher): SessionEventSink {
  return {
    eventFor(record: SessionRecord, cause: SettleCause) {
      const status = record.session.status;
      if (status === 'open') return undefined;
      // Stripe gives automatic events (not caused by an API call) a null request.
      const request =
        cause.source === 'api' ? { id: cause.request.id, idempotency_key: cause.request.idempotencyKey } : { id: null, idempotency_key: null };
      const object = renderSession(record, { lineItems: true, lineItemProducts: false, references: [] });
      return publisher.build(record.tenantId, { type: TYPE_BY_STATUS[status], object, livemode: record.session.livemode, request });
    },
    recorded: (tenantId, event) => publisher.queueRecorded(tenantId, event),
  };
}
