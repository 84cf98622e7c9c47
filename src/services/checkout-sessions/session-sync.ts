import { LOOPS_CONTRACT } from '../../loops/contract-choices';
import { isLoopsError } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { completionReportOfV3 } from '../../translate/completion-report';
import { loopsTotalInMinorUnits, loopsV2TotalInMinorUnits } from '../../translate/loops-session-total';
import { stateFromV2, stateFromV3, stateFromV3AndV2, UnknownLoopsStateError, type LoopsSessionState } from '../../translate/session-state';
import type { TenantContext } from '../call-context';
import type { EventPublisher } from '../events/event-publisher';
import { sessionFinalEvent, type SettleSource } from '../session-events';
import { applyLoopsState, type LoopsStateDetails } from './apply-loops-state';
import { completionGoesBeyondTheReport, type CheckoutCompletion, type CompletionFacts } from './checkout-completion';

export interface SessionSyncDeps {
  sessions: SessionStore;
  /** Builds a transition's event before the write and queues its deliveries after it. */
  publisher: Pick<EventPublisher, 'build' | 'queueRecorded'>;
  now: () => number;
  /** Read V2 `status` beside V3 (default LOOPS_CONTRACT.v3StatusFromV2; tests set both ways). */
  v3StatusFromV2?: boolean;
  /** What a completion writes beyond the state: customer, subscription, invoice (checkout-completion.ts). */
  completion?: CheckoutCompletion;
}

/**
 * Keeps stored sessions in step with Loops. Every path that learns a session's Loops state (a
 * retrieve, an expire call, a webhook, the sweep) goes through `settle`, so the transition is
 * applied once (compare-and-set) and its Stripe event is recorded in the same atomic step, and
 * only for the transition: a session seen final again, however much later, announces nothing.
 */
export function createSessionSync(deps: SessionSyncDeps) {
  const v3StatusFromV2 = deps.v3StatusFromV2 ?? LOOPS_CONTRACT.v3StatusFromV2;

  /**
   * `seen`: the session as the caller read it moments ago (a webhook reads it to find it), so it
   * is not read twice more; a stale one costs only a lost compare-and-set (session-store.ts).
   */
  async function settle(
    tenantId: string,
    id: string,
    state: LoopsSessionState,
    details: LoopsStateDetails,
    cause: SettleSource,
    logger: Logger,
    seen?: SessionRecord,
  ): Promise<SessionRecord | undefined> {
    const facts = state === 'completed' ? await completionFacts(tenantId, id, details, logger, seen) : undefined;
    const result = await deps.sessions.update(
      tenantId,
      id,
      (current) => applyLoopsState(current, state, details, facts),
      (next, previous) => {
        if (previous.session.status !== 'open') return undefined;
        const event = sessionFinalEvent(next, cause);
        return event && deps.publisher.build(tenantId, event);
      },
      seen,
    );
    if (result.kind === 'missing') return undefined;
    if (result.kind === 'updated' && result.announced) await deps.publisher.queueRecorded(tenantId, result.announced, logger);
    return result.record;
  }

  /** Gathered before the compare-and-set (it may call Loops and create the customer), for a session still open. */
  async function completionFacts(
    tenantId: string,
    id: string,
    details: LoopsStateDetails,
    logger: Logger,
    seen: SessionRecord | undefined,
  ): Promise<CompletionFacts | undefined> {
    if (!deps.completion) return undefined;
    // A completion that calls Loops or creates a customer looks at the session as it is now: one
    // another path completed meanwhile needs none of that. A plain payment session's facts are the
    // report's, so the record read moments ago does.
    const current = seen && !completionGoesBeyondTheReport(seen) ? seen : await deps.sessions.get(tenantId, id);
    return current?.session.status === 'open' ? deps.completion(current, details, logger) : undefined;
  }

  /**
   * Loops' view of a session. Throws what Loops' answer made of it: a LoopsError (unreachable,
   * an HTTP error such as 404) or an UnknownLoopsStateError (a state the gateway cannot map).
   */
  async function read(
    tenant: TenantContext,
    record: SessionRecord,
    logger: Logger,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails }> {
    const id = record.session.id;
    if (record.loopsApi === 'v2') {
      const loops = await tenant.loops.getSessionV2(id);
      return { state: stateFromV2(loops), details: { amountTotal: loopsV2TotalInMinorUnits(loops) } };
    }
    // Both at once: V3 for the payment details, V2 for the status V3 lacks (docs/loops-contract.md §3.2).
    const [v3, v2] = await Promise.allSettled([
      tenant.loops.getSessionV3(id),
      v3StatusFromV2 ? tenant.loops.getSessionV2(id) : Promise.resolve(undefined),
    ]);
    if (v3.status === 'rejected') throw v3.reason;
    const loops = v3.value;
    // The total settles a completed session with an adjustable quantity (final-quantity.ts).
    const details = {
      paymentIntent: loops.payment_intent,
      customerEmail: loops.customer_email,
      amountTotal: loopsTotalInMinorUnits(loops),
      ...completionReportOfV3(loops),
    };
    const fromV3 = stateFromV3(loops, Math.floor(deps.now() / 1000));
    // Paid in V3 is completed whatever V2 says: a payment never waits on a status the gateway cannot map.
    if (fromV3 === 'completed') return { state: fromV3, details };
    if (v2.status === 'fulfilled') return { state: v2.value ? stateFromV3AndV2(fromV3, stateFromV2(v2.value)) : fromV3, details };
    if (!isLoopsError(v2.reason)) throw v2.reason;
    // V3 answered, so the session exists: a V2 failure only costs the status, never the session
    // (a V2 404 here must not look like "Loops forgot it" to the sweep). If V2 keeps answering
    // 404 for V3 ids, the shared-ids choice is wrong for this Loops account (contract-choices.ts).
    logger.warn({ tenant: tenant.config.id, session: id, err: v2.reason.message }, 'Loops V2 status could not be read; using the V3 view alone');
    return { state: fromV3, details };
  }

  /** Loops' view of a session, or undefined when Loops cannot be read, or read sensibly, right now. */
  async function observe(
    tenant: TenantContext,
    record: SessionRecord,
    logger: Logger,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails } | undefined> {
    try {
      return await read(tenant, record, logger);
    } catch (error) {
      if (error instanceof UnknownLoopsStateError) {
        logger.error(
          { tenant: tenant.config.id, session: record.session.id, err: error.message },
          'Loops reported a state the gateway does not know',
        );
        return undefined;
      }
      if (!isLoopsError(error)) throw error;
      logger.warn({ session: record.session.id, err: error.message }, 'Loops could not be read');
      return undefined;
    }
  }

  /**
   * The stored session merged with Loops' current state. A final state needs no call; if Loops
   * cannot be reached (or answers with a state the gateway does not know) the stored view is
   * served rather than failing the read.
   */
  async function refresh(tenant: TenantContext, record: SessionRecord, logger: Logger): Promise<SessionRecord> {
    if (record.session.status !== 'open') return record;
    return (await settleIfEnded(tenant, record, logger)) ?? record;
  }

  /**
   * Settles a session Loops has ended (its webhook lost or late), with its one event, and returns
   * it; undefined when Loops still calls it open or cannot say. Used by `refresh`, and when Loops
   * refuses to expire or update a session the gateway has open (loops-error.ts `isLoopsRefusal`):
   * the caller then answers as for any session that is not open, instead of with Loops' refusal.
   * The event is automatic (null `request`): Loops ended the session, not the merchant's call.
   */
  async function settleIfEnded(tenant: TenantContext, record: SessionRecord, logger: Logger): Promise<SessionRecord | undefined> {
    const seen = await observe(tenant, record, logger);
    if (!seen || seen.state === 'open') return undefined;
    const settled = await settle(tenant.config.id, record.session.id, seen.state, seen.details, { source: 'retrieve' }, logger);
    return settled?.session.status === 'open' ? undefined : settled;
  }

  return { settle, read, refresh, settleIfEnded };
}

export type SessionSync = ReturnType<typeof createSessionSync>;
