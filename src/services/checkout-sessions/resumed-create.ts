import { GatewayError } from '../../errors';
import type { LoopsV3Session } from '../../loops/loops-schemas';
import type { EarlierAttempts } from '../../store/idempotency-store';

/**
 * When a retry may create a Loops session — the policy behind "one logical create never makes two
 * Loops sessions" when Loops may ignore `Idempotency-Key` (docs/loops-contract.md §7.7). Pure functions; the
 * Loops and Redis calls are in create-in-loops.ts.
 *
 * A create the gateway sent and got no answer to (a timeout, or a connection lost after sending)
 * may still be carried out by Loops until its settle window ends (retry-policy.ts
 * `loopsCreateSettleMs`, from when it was sent). So is anything an attempt sent before its gateway
 * died (it sent nothing after its lock lapsed). Until then a retry must not create: the earlier
 * session may yet appear. After it, only a conclusive search for the operation marker
 * (find-marked-session.ts) shows there is none.
 */

/** What the search for the operation's marker found. */
export type MarkerSearch =
  | { kind: 'found'; session: LoopsV3Session }
  /** Every open session was looked at: none carries the marker. */
  | { kind: 'absent' }
  | { kind: 'inconclusive'; reason: InconclusiveReason; detail?: string };

export type InconclusiveReason =
  /** The merchant's metadata left no room for the marker (translate/operation-marker.ts). */
  | 'no_marker'
  /** More open sessions than the search reads (find-marked-session.ts MARKER_SEARCH). */
  | 'page_limit'
  /** Loops could not be listed. */
  | 'listing_failed';

/** How unsure a resumed attempt is about what earlier attempts made. */
export interface Uncertainty {
  /**
   * Some earlier create went unanswered (or an attempt never ended): Loops may have made a session
   * nobody heard of, so only a conclusive search allows a new create.
   */
  unresolved: boolean;
  /** Until when (ms) such a create may still be carried out; 0 once that is over. */
  untilMs: number;
}

/**
 * How this instance's own lingering request for the create ended, when a retry waited for it:
 * `answered` (Loops answered a failure: that create is settled) or `unanswered` (the linger ran out,
 * just past the end of the window, or the gateway is stopping: what Loops did, only the search shows).
 */
export type LocalEnd = 'answered' | 'unanswered';

/**
 * The uncertainty a resumed attempt starts from. Creates of one operation never overlap (a create
 * is sent only once the previous one's window has ended, by the attempt holding the key), so an
 * unresolved window recorded with the operation is that of the request this instance saw end.
 */
export function uncertaintyOf(earlier: EarlierAttempts, settleMs: number, localEnd?: LocalEnd): Uncertainty {
  const recorded = localEnd === 'unanswered' || (earlier.unresolvedUntilMs > 0 && localEnd !== 'answered');
  const recordedUntil = localEnd === 'answered' ? 0 : earlier.unresolvedUntilMs;
  const unfinishedUntil = earlier.unfinishedLockEndMs === null ? 0 : earlier.unfinishedLockEndMs + settleMs;
  return {
    unresolved: recorded || earlier.unfinishedLockEndMs !== null,
    untilMs: Math.max(recordedUntil, unfinishedUntil),
  };
}

export type ResumedCreate =
  | { kind: 'use'; session: LoopsV3Session }
  | { kind: 'create' }
  | { kind: 'refuse'; untilMs: number; reason: 'settling' | InconclusiveReason; detail?: string };

/**
 * - The marker found a session: it is the earlier attempt's; use it.
 * - Nothing unresolved (earlier attempts all got answers): create, as before this guard, whatever
 *   the search could see (the Loops `Idempotency-Key` is then the remaining guard).
 * - An unresolved create still within its window: refuse; it may land yet.
 * - Its window over: create only if the search was conclusive.
 */
export function decideResumedCreate(search: MarkerSearch, uncertainty: Uncertainty, nowMs: number): ResumedCreate {
  if (search.kind === 'found') return { kind: 'use', session: search.session };
  if (!uncertainty.unresolved) return { kind: 'create' };
  if (nowMs < uncertainty.untilMs) return { kind: 'refuse', untilMs: uncertainty.untilMs, reason: 'settling' };
  if (search.kind === 'absent') return { kind: 'create' };
  return { kind: 'refuse', untilMs: uncertainty.untilMs, reason: search.reason, ...(search.detail ? { detail: search.detail } : {}) };
}

/**
 * Creates are sent only this long before the attempt's lock may lapse, so a create never leaves
 * after it (a retry that took the key over assumes none did; idempotency-store.ts `EarlierAttempts`).
 */
export const CREATE_BEFORE_LOCK_END_MS = 1000;

export function mayStillSendCreate(lockedUntilMs: number | null, nowMs: number): boolean {
  return lockedUntilMs === null || nowMs < lockedUntilMs - CREATE_BEFORE_LOCK_END_MS;
}

const UNKNOWN = 'Loops has not confirmed whether it created this Checkout Session';
const NEW_KEY_WARNING =
  'Do not retry with a new Idempotency-Key before checking the Loops dashboard for a session with this request’s metadata: that could make a second session.';

/**
 * The non-retryable answer (`Stripe-Should-Retry: false`, docs/errors.md) when creating could make
 * a second session and the gateway cannot tell whether the first exists. It says until when, if
 * waiting helps, and what to do instead.
 */
export function outcomeUnknownError(refusal: Extract<ResumedCreate, { kind: 'refuse' }>, nowMs: number): GatewayError {
  const until = new Date(refusal.untilMs).toISOString();
  switch (refusal.reason) {
    case 'settling':
      return new GatewayError(
        'loops_outcome_unknown',
        `${UNKNOWN}: an earlier attempt with this Idempotency-Key sent the create and got no answer, and Loops may still carry it out until ${until}. ` +
          `The gateway did not create another. Retry with the same Idempotency-Key after ${until}: you then get the session Loops made, or one is created. ${NEW_KEY_WARNING}`,
        undefined,
        { 'Retry-After': String(Math.max(1, Math.ceil((refusal.untilMs - nowMs) / 1000))) },
      );
    case 'listing_failed':
      return new GatewayError(
        'loops_outcome_unknown',
        `${UNKNOWN}: an earlier attempt with this Idempotency-Key sent the create and got no answer, and the gateway could not list Loops’ sessions to look for it` +
          `${refusal.detail ? ` (${refusal.detail})` : ''}. The gateway did not create another. Retry with the same Idempotency-Key once Loops answers again. ${NEW_KEY_WARNING}`,
      );
    case 'page_limit':
    case 'no_marker':
      return new GatewayError(
        'loops_outcome_unknown',
        `${UNKNOWN}: an earlier attempt with this Idempotency-Key sent the create and got no answer, and the gateway cannot look for that session ` +
          (refusal.reason === 'no_marker'
            ? '(the metadata leaves no room for its `gateway_operation` marker within Loops’ limits of 50 keys and 5 KB). '
            : '(there are more open Loops sessions than it searches). ') +
          `The gateway did not create another, and retrying with this key will not change that. ${NEW_KEY_WARNING}`,
      );
  }
}

/** A create without an Idempotency-Key went unanswered: no retry can be recognised as one. */
export function keylessOutcomeUnknownError(): GatewayError {
  return new GatewayError(
    'loops_outcome_unknown',
    `${UNKNOWN}: Loops did not answer in time and may still create it. The request carried no Idempotency-Key, so the gateway cannot tell a retry from a new checkout: ` +
      'check the Loops dashboard before retrying, and send an Idempotency-Key so that retries are safe.',
  );
}

/**
 * This request's create went unanswered and its window could not be recorded with the operation
 * (the store failed): a retry on another instance would not know to wait, so none is invited.
 */
export function unrecordedOutcomeUnknownError(untilMs: number, nowMs: number): GatewayError {
  const until = new Date(untilMs).toISOString();
  return new GatewayError(
    'loops_outcome_unknown',
    `${UNKNOWN}: Loops did not answer in time and may still carry the create out until ${until}, and the gateway could not record that for its other instances. ` +
      `Retry with the same Idempotency-Key after ${until}: you then get the session Loops made, or one is created. ${NEW_KEY_WARNING}`,
    undefined,
    { 'Retry-After': String(Math.max(1, Math.ceil((untilMs - nowMs) / 1000))) },
  );
}
