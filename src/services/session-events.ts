import type { SessionRecord } from '../store/session-record';
import type { LoopsSessionState } from '../translate/session-state';

/** Who noticed that a session reached a final state. */
export interface SettleCause {
  source: 'api' | 'loops_webhook' | 'sweep' | 'retrieve';
  loopsState: LoopsSessionState;
  /** The merchant request behind it, for the event's `request` field (null for automatic events). */
  request: { id: string | null; idempotencyKey: string | null };
}

/**
 * Told every time a session is seen in a final state, by whichever path saw it first or again
 * (a webhook, a retrieve, an expire call, the sweep). Implementations must be idempotent: the
 * same session settling twice yields one Stripe event.
 */
export interface SessionEventSink {
  sessionSettled(record: SessionRecord, cause: SettleCause): Promise<void>;
}

export const noSessionEvents: SessionEventSink = { sessionSettled: async () => {} };
