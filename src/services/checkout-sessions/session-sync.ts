import { isLoopsError } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { stateFromV2, stateFromV3, type LoopsSessionState } from '../../translate/session-state';
import type { TenantContext } from '../call-context';
import type { SessionEventSink, SettleCause } from '../session-events';
import { applyLoopsState, type LoopsStateDetails } from './apply-loops-state';

export interface SessionSyncDeps {
  sessions: SessionStore;
  events: SessionEventSink;
  now: () => number;
  logger: Logger;
}

/**
 * Keeps stored sessions in step with Loops. Every path that learns a session's Loops state (a
 * retrieve, an expire call, a webhook, the sweep) goes through `settle`, so the transition is
 * applied once (compare-and-set) and the event sink hears of every final state.
 */
export function createSessionSync(deps: SessionSyncDeps) {
  async function settle(
    tenantId: string,
    id: string,
    state: LoopsSessionState,
    details: LoopsStateDetails,
    cause: Omit<SettleCause, 'loopsState'>,
  ): Promise<SessionRecord | undefined> {
    const result = await deps.sessions.update(tenantId, id, (current) => applyLoopsState(current, state, details));
    if (result.kind === 'missing') return undefined;
    if (result.record.session.status !== 'open') await deps.events.sessionSettled(result.record, { ...cause, loopsState: state });
    return result.record;
  }

  /**
   * The stored session merged with Loops' current state. A final state needs no call; if Loops
   * cannot be reached the stored view is served (and logged) rather than failing the read.
   */
  async function refresh(tenant: TenantContext, record: SessionRecord, request: SettleCause['request']): Promise<SessionRecord> {
    if (record.session.status !== 'open') return record;
    let state: LoopsSessionState;
    let details: LoopsStateDetails;
    try {
      if (record.loopsApi === 'v2') {
        const loops = await tenant.loops.getSessionV2(record.session.id);
        state = stateFromV2(loops);
        details = {};
      } else {
        const loops = await tenant.loops.getSessionV3(record.session.id);
        state = stateFromV3(loops, Math.floor(deps.now() / 1000));
        details = { paymentIntent: loops.payment_intent, customerEmail: loops.customer_email };
      }
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      deps.logger.warn({ session: record.session.id, err: error.message }, 'serving the stored session: Loops could not be read');
      return record;
    }
    if (state === 'open') return record;
    return (await settle(tenant.config.id, record.session.id, state, details, { source: 'retrieve', request })) ?? record;
  }

  return { settle, refresh };
}

export type SessionSync = ReturnType<typeof createSessionSync>;
