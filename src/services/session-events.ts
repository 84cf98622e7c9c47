import type { StoredEvent } from '../store/event-store';
import type { SessionRecord } from '../store/session-record';
import type { LoopsSessionState } from '../translate/session-state';

/**
 * Who noticed that a session reached a final state. Only a merchant's API call (expire) gives the
 * event a `request`; the others make automatic events, whose `request` Stripe leaves null.
 */
export type SettleSource =
  { source: 'api'; request: { id: string; idempotencyKey: string | null } } | { source: 'loops_webhook' | 'sweep' | 'retrieve' };

export type SettleCause = SettleSource & { loopsState: LoopsSessionState };

/**
 * The Stripe side of a session reaching a final state. The session store records the event in the
 * same atomic step as the transition (SessionStore.update), so the sink only builds it beforehand
 * and queues its deliveries afterwards. Only a transition is announced: whichever path makes it (a
 * webhook, a retrieve, an expire call, the sweep) is the only one, so there is one event.
 */
export interface SessionEventSink {
  /** The event for a session that just became final (built, not recorded); undefined for none. */
  eventFor(record: SessionRecord, cause: SettleCause): StoredEvent | undefined;
  /** Queues the deliveries of an event recorded with its transition. */
  recorded(tenantId: string, event: StoredEvent): Promise<void>;
}
