import type { LoopsFailure } from './loops-error';

export const LOOPS_RETRY = {
  /** Attempts per call, the first included. stripe-node retries too, so the gateway stays short. */
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  /** A `Retry-After` longer than this is not waited for inside one merchant request. */
  maxRetryAfterMs: 2000,
} as const;

/**
 * The settle window of a create: how long after the gateway sent it Loops may still carry it out.
 * [chosen] (docs/loops-contract.md §7): nothing documents how long Loops works on a request its client
 * stopped waiting for. The gateway assumes no longer than it would itself have kept trying a call
 * it may repeat: every attempt taking the whole timeout, `timeoutMs × maxAttempts` (30 s with the
 * defaults). A create that lands later than that, with Loops ignoring `Idempotency-Key`, is the
 * one case the duplicate guard cannot see (docs/compatibility.md "Idempotency").
 */
export function loopsCreateSettleMs(timeoutMs: number, maxAttempts: number = LOOPS_RETRY.maxAttempts): number {
  return timeoutMs * maxAttempts;
}

/**
 * Whether to repeat a Loops call, and after how long (undefined: do not).
 *
 * - A call that is safe to repeat (GET, PUT, DELETE) is retried after timeouts, network errors, 429
 *   and 5xx. PUT sets absolute values (a session's expiry, a subscription's `cancel_at_period_end`,
 *   `metadata`, `quantity`), and deleting a subscription already ended answers it unchanged
 *   (docs/loops-contract.md §8.2), so a repeat after an unseen success changes nothing more. Neither carries
 *   an `Idempotency-Key`.
 * - A POST may have been carried out before the failure. Loops' handling of `Idempotency-Key` is
 *   not documented (docs/loops-contract.md §7.7), so inside one request it is only repeated when Loops
 *   cannot have acted on it: the connection was refused, or a 429 said "not now". Other POST
 *   failures go back to the merchant as a retryable 5xx; stripe-node's retry carries the same
 *   Stripe key, which maps to the same Loops key, and holds back while Loops may still carry the
 *   first one out (services/checkout-sessions/create-in-loops.ts).
 */
export function retryDelayMs(
  failure: LoopsFailure,
  attempt: number,
  safeToRepeat: boolean,
  { maxAttempts = LOOPS_RETRY.maxAttempts, random = Math.random }: { maxAttempts?: number; random?: () => number } = {},
): number | undefined {
  if (attempt >= maxAttempts) return undefined;
  if (!isRetryable(failure, safeToRepeat)) return undefined;
  if (failure.kind === 'http' && failure.retryAfterSeconds !== undefined) {
    const wait = failure.retryAfterSeconds * 1000;
    return wait <= LOOPS_RETRY.maxRetryAfterMs ? wait : undefined;
  }
  const exponential = Math.min(LOOPS_RETRY.baseDelayMs * 2 ** (attempt - 1), LOOPS_RETRY.maxDelayMs);
  return Math.round(exponential * (0.5 + random() / 2));
}

function isRetryable(failure: LoopsFailure, safeToRepeat: boolean): boolean {
  switch (failure.kind) {
    case 'http':
      return failure.status === 429 || (safeToRepeat && failure.status >= 500);
    case 'timeout':
      return safeToRepeat;
    case 'network':
      return safeToRepeat || failure.code === 'ECONNREFUSED';
    case 'invalid_response':
      return false;
  }
}
