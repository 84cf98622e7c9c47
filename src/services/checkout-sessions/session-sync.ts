import { isLoopsError } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { stateFromV2, stateFromV3, UnknownLoopsStateError, type LoopsSessionState } from '../../translate/session-state';
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
 * applied once (compare-and-set) and its Stripe event is recorded in the same atomic step, and
 * only for the transition: a session seen final again, however much later, announces nothing.
 */
export function createSessionSync(deps: SessionSyncDeps) {
  async function settle(
    tenantId: string,
    id: string,
    state: LoopsSessionState,
    details: LoopsStateDetails,
    cause: Omit<SettleCause, 'loopsState'>,
  ): Promise<SessionRecord | undefined> {
    const result = await deps.sessions.update(
      tenantId,
      id,
      (current) => applyLoopsState(current, state, details),
      (next, previous) =>
        previous.session.status === 'open' && next.session.status !== 'open'
          ? deps.events.eventFor(next, { ...cause, loopsState: state })
          : undefined,
    );
    if (result.kind === 'missing') return undefined;
    if (result.kind === 'updated' && result.announced) await deps.events.recorded(tenantId, result.announced);
    return result.record;
  }

  /**
   * Loops' view of a session. Throws what Loops' answer made of it: a LoopsError (unreachable,
   * an HTTP error such as 404) or an UnknownLoopsStateError (a state the gateway cannot map).
   */
  async function read(tenant: TenantContext, record: SessionRecord): Promise<{ state: LoopsSessionState; details: LoopsStateDetails }> {
    if (record.loopsApi === 'v2') return { state: stateFromV2(await tenant.loops.getSessionV2(record.session.id)), details: {} };
    const loops = await tenant.loops.getSessionV3(record.session.id);
    return {
      state: stateFromV3(loops, Math.floor(deps.now() / 1000)),
      details: { paymentIntent: loops.payment_intent, customerEmail: loops.customer_email },
    };
  }

  /** Loops' view of a session, or undefined when Loops cannot be read, or read sensibly, right now. */
  async function observe(
    tenant: TenantContext,
    record: SessionRecord,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails } | undefined> {
    try {
      return await read(tenant, record);
    } catch (error) {
      if (error instanceof UnknownLoopsStateError) {
        deps.logger.error(
          { tenant: tenant.config.id, session: record.session.id, err: error.message },
          'Loops reported a state the gateway does not know',
        );
        return undefined;
      }
      if (!isLoopsError(error)) throw error;
      deps.logger.warn({ session: record.session.id, err: error.message }, 'Loops could not be read');
      return undefined;
    }
  }

  /**
   * The stored session merged with Loops' current state. A final state needs no call; if Loops
   * cannot be reached (or answers with a state the gateway does not know) the stored view is
   * served rather than failing the read.
   */
  async function refresh(tenant: TenantContext, record: SessionRecord, request: SettleCause['request']): Promise<SessionRecord> {
    if (record.session.status !== 'open') return record;
    const seen = await observe(tenant, record);
    if (!seen || seen.state === 'open') return record;
    return (await settle(tenant.config.id, record.session.id, seen.state, seen.details, { source: 'retrieve', request })) ?? record;
  }

  return { settle, read, observe, refresh };
}

export type SessionSync = ReturnType<typeof createSessionSync>;
