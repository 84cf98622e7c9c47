import { GatewayError } from '../../errors';
import type { CreateOptions } from '../../loops/loops-client';
import { isLoopsError, leavesOutcomeUnknown, type UnresolvedCall } from '../../loops/loops-error';
import type { LoopsV2Session, LoopsV3Session } from '../../loops/loops-schemas';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import { loopsTotalInMinorUnits, loopsV2TotalInMinorUnits } from '../../translate/loops-session-total';
import { carriesMarker } from '../../translate/operation-marker';
import type { LoopsCheckoutPlan } from '../../translate/plan-loops-checkout';
import type { CallContext } from '../call-context';
import type { InFlightCreates } from '../in-flight-creates';
import { findMarkedSession } from './find-marked-session';
import {
  decideResumedCreate,
  keylessOutcomeUnknownError,
  mayStillSendCreate,
  outcomeUnknownError,
  uncertaintyOf,
  unrecordedOutcomeUnknownError,
  type LocalEnd,
  type MarkerSearch,
} from './resumed-create';

/** The Loops session a create ends with, in Stripe's units. */
export interface LoopsOutcome {
  id: string;
  url: string | null;
  /** Minor units, when Loops says. */
  amountTotal: number | null;
  expiresAt: number;
}

export interface CreateInLoopsDeps {
  inFlight: InFlightCreates;
  /** How long after sending a create Loops may still carry it out (retry-policy.ts `loopsCreateSettleMs`). */
  settleMs: number;
  now: () => number;
}

/**
 * Makes the plan's Loops session, at most once per logical operation, with three guards:
 * 1. the Loops `Idempotency-Key` derives from the operation key, so a retry of the same Stripe
 *    request (same Idempotency-Key and parameters) asks Loops for the same session;
 * 2. Loops may ignore that header (docs/loops-contract.md §7.7), so a retry of an operation whose earlier
 *    attempt left no answer first looks for the session that attempt may have made, by the
 *    operation marker in its metadata (translate/operation-marker.ts);
 * 3. a create Loops did not answer may still be carried out later, after that look. Its request is
 *    kept open through its settle window, and a retry on this instance waits for its answer; the
 *    window is recorded with the operation, and a retry elsewhere does not create inside it, nor
 *    after it unless the look was conclusive (resumed-create.ts): it answers a non-retryable
 *    `loops_outcome_unknown` instead of risking a second session.
 * A create that Loops answers costs nothing extra: no Redis call, no search.
 */
export async function createInLoops(call: CallContext, plan: LoopsCheckoutPlan, marker: string, deps: CreateInLoopsDeps): Promise<LoopsOutcome> {
  // The operation key is already a digest (or random); the suffix names the Loops call it keys.
  const key = `${call.operation.key}-session`;
  try {
    if (plan.api === 'v3') {
      const earlier = await earlierSession<LoopsV3Session>(call, plan, marker, key, deps);
      const session = earlier ?? (await send(call, key, deps, (options) => call.tenant.loops.createSessionV3(plan.body, key, options)));
      if (plan.expiresAt === undefined) return fromV3(session, plan.body.expires_at ?? 0);
      // V3 create does not take `expires_at` (LOOPS_CONTRACT.v3AcceptsExpiresAt off): the V2 update sets it, as below.
      await call.tenant.loops.updateSessionV2(session.id, { expiresAt: new Date(plan.expiresAt * 1000).toISOString() });
      return { ...fromV3(session, plan.expiresAt), expiresAt: plan.expiresAt };
    }
    const earlier = await earlierSession<LoopsV2Session>(call, plan, marker, key, deps);
    const id = earlier?.id ?? (await send(call, key, deps, (options) => call.tenant.loops.createSessionV2(plan.body, key, options))).id;
    // V2 create takes no expiry; Stripe's default is 24 h, Loops' 1 h, so set it explicitly.
    const session = await call.tenant.loops.updateSessionV2(id, { expiresAt: new Date(plan.expiresAt * 1000).toISOString() });
    return {
      id: session.id,
      url: session.url ?? null,
      amountTotal: loopsV2TotalInMinorUnits(session),
      expiresAt: session.expiresAt ? Math.floor(Date.parse(session.expiresAt) / 1000) : plan.expiresAt,
    };
  } catch (error) {
    throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
  }
}

/**
 * The session an earlier attempt of this operation made, if any; undefined when a new create may
 * go ahead; throws `loops_outcome_unknown` when it may not (resumed-create.ts).
 */
async function earlierSession<S extends LoopsV3Session | LoopsV2Session>(
  call: CallContext,
  plan: LoopsCheckoutPlan,
  marker: string,
  key: string,
  deps: CreateInLoopsDeps,
): Promise<S | LoopsV3Session | undefined> {
  // This instance still waits for an earlier attempt's create: its answer is the best there is.
  const inFlight = deps.inFlight.find<S>(key);
  let localEnd: LocalEnd | undefined;
  if (inFlight) {
    try {
      const session = await inFlight;
      call.logger.info({ session: session.id }, 'a retried create got the Loops session of its earlier attempt’s late answer');
      return session;
    } catch (error) {
      localEnd = isLoopsError(error) && !leavesOutcomeUnknown(error.failure) ? 'answered' : 'unanswered';
    }
  }
  if (!call.operation.earlierAttempts) return undefined;
  const search: MarkerSearch = carriesMarker(plan.body.metadata, marker)
    ? await findMarkedSession(call.tenant.loops, marker, plan.body.externalCustomerId, call.logger)
    : { kind: 'inconclusive', reason: 'no_marker' };
  const nowMs = deps.now();
  const decision = decideResumedCreate(search, uncertaintyOf(call.operation.earlierAttempts, deps.settleMs, localEnd), nowMs);
  switch (decision.kind) {
    case 'use':
      call.logger.info({ session: decision.session.id }, 'a retried create found the Loops session of its earlier attempt');
      return decision.session;
    case 'create':
      return undefined;
    case 'refuse':
      call.logger.warn(
        { reason: decision.reason, untilMs: decision.untilMs },
        'a retried create was not sent: an earlier create may have made a session the gateway cannot see',
      );
      throw outcomeUnknownError(decision, nowMs);
  }
}

/** Sends the create (lingering, see in-flight-creates.ts); an unanswered one is recorded with the operation. */
async function send<T>(call: CallContext, key: string, deps: CreateInLoopsDeps, create: (options: CreateOptions) => Promise<T>): Promise<T> {
  if (!mayStillSendCreate(call.operation.lockedUntilMs, deps.now())) {
    throw new GatewayError(
      'loops_unavailable',
      'The gateway ran out of time for this request before asking Loops to create the session (earlier Loops calls were slow); nothing was created. ' +
        'Retrying with the same Idempotency-Key is safe.',
    );
  }
  try {
    return await deps.inFlight.send(key, create);
  } catch (error) {
    if (isLoopsError(error) && error.unresolved) await recordUnresolved(call, error.unresolved, deps);
    throw error;
  }
}

/**
 * Loops may still carry the create out until its settle window ends. With an Idempotency-Key the
 * window goes into the operation's record, and the merchant's retry (a 502, which the SDK retries)
 * is safe; without one, or if it cannot be recorded, nothing makes a retry safe, so the answer is
 * the non-retryable `loops_outcome_unknown`.
 */
async function recordUnresolved(call: CallContext, unresolved: UnresolvedCall, deps: CreateInLoopsDeps): Promise<void> {
  const nowMs = deps.now();
  const untilMs = nowMs - unresolved.sentMsAgo + deps.settleMs;
  call.logger.warn({ untilMs, lingering: unresolved.lateAnswer !== undefined }, 'Loops did not answer a create; it may still carry it out');
  if (call.operation.idempotencyKey === null) throw keylessOutcomeUnknownError();
  const recorded = await call.operation.noteUnresolved(untilMs).catch((error: unknown) => {
    call.logger.error({ err: (error as Error).message }, 'could not record an unanswered Loops create with its operation');
    return false;
  });
  if (!recorded) throw unrecordedOutcomeUnknownError(untilMs, nowMs);
}

function fromV3(session: LoopsV3Session, requestedExpiry: number): LoopsOutcome {
  return {
    id: session.id,
    url: session.url ?? null,
    amountTotal: loopsTotalInMinorUnits(session),
    expiresAt: session.expires_at ?? requestedExpiry,
  };
}
