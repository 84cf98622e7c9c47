import type { SessionRecord } from '../store/session-record';
import { renderSession } from './checkout-sessions/render-session';
import type { PublishInput } from './events/event-publisher';

/**
 * Who noticed that a session reached a final state. Only a merchant's API call (expire) gives the
 * event a `request`; the others make automatic events, whose `request` Stripe leaves null.
 */
export type SettleSource =
  { source: 'api'; request: { id: string; idempotencyKey: string | null } } | { source: 'loops_webhook' | 'sweep' | 'retrieve' };

const TYPE_BY_STATUS = { complete: 'checkout.session.completed', expired: 'checkout.session.expired' } as const;

/**
 * The Stripe side of a session reaching a final state: its one event, carrying the session as the
 * merchant created it, final status and line items included; undefined while it is open. The
 * session store records the event in the same atomic step as the transition (SessionStore.update),
 * and only a transition is announced: whichever path makes it (a webhook, a retrieve, an expire
 * call, the sweep) is the only one, so there is one event and no dedupe key (docs/webhooks.md,
 * "Translation").
 */
export function sessionFinalEvent(record: SessionRecord, cause: SettleSource): PublishInput | undefined {
  const status = record.session.status;
  if (status === 'open') return undefined;
  // Stripe gives automatic events (not caused by an API call) a null request.
  const request =
    cause.source === 'api' ? { id: cause.request.id, idempotency_key: cause.request.idempotencyKey } : { id: null, idempotency_key: null };
  const object = renderSession(record, { lineItems: true, lineItemProducts: false, references: [] });
  return { type: TYPE_BY_STATUS[status], object, livemode: record.session.livemode, request };
}
