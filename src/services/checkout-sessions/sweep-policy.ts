import { isLoopsError, type LoopsError } from '../../loops/loops-error';

/**
 * When the expiry sweep cannot settle a due session (Loops unreachable, an answer it cannot map,
 * its own store failing), it looks again after about as long as the session has been past its
 * expiry, between a minute and an hour. Blips are retried quickly, a session that keeps failing
 * only now and then, and the gaps double without a counter to store. Moving the failing session
 * back in the index is what keeps it from blocking the sessions behind it (docs/webhooks.md,
 * "Sessions nobody reports").
 */
export const SWEEP_RETRY_MIN_SECONDS = 60;
export const SWEEP_RETRY_MAX_SECONDS = 3600;

export function nextSweepLook(nowSeconds: number, expiresAt: number): number {
  return nowSeconds + Math.min(SWEEP_RETRY_MAX_SECONDS, Math.max(SWEEP_RETRY_MIN_SECONDS, nowSeconds - expiresAt));
}

/**
 * A 404 from Loops for a session more than this long past its `expires_at` means Loops no longer
 * has it, so nobody can pay it: the gateway expires it locally and sends `checkout.session.expired`.
 * Earlier, a 404 is treated as a passing failure: the hour leaves time for a webhook of a payment
 * made at the last second, which must win over a local expiry (final states are final).
 */
export const LOOPS_FORGOT_AFTER_SECONDS = 3600;

export function loopsForgotSession(error: LoopsError, nowSeconds: number, expiresAt: number): boolean {
  return error.failure.kind === 'http' && error.failure.status === 404 && nowSeconds - expiresAt > LOOPS_FORGOT_AFTER_SECONDS;
}

/**
 * Loops said "not now" (429) about a session the sweep was settling: the tenant's sweep pauses for
 * the `Retry-After` (a second when Loops gives none, at most a minute) and the session stays due,
 * untouched — it is Loops' pace, not the session, that failed. Undefined for any other failure.
 */
export const SWEEP_RATE_LIMIT_PAUSE_MS = { default: 1_000, max: 60_000 } as const;

export function rateLimitPauseMs(error: unknown): number | undefined {
  if (!isLoopsError(error) || error.failure.kind !== 'http' || error.failure.status !== 429) return undefined;
  const seconds = error.failure.retryAfterSeconds;
  return Math.min(SWEEP_RATE_LIMIT_PAUSE_MS.max, seconds === undefined ? SWEEP_RATE_LIMIT_PAUSE_MS.default : seconds * 1000);
}
