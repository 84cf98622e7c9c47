import type { LoopsFailure } from '../../loops/loops-error';

/**
 * Retries for the batch tool's creates. The Loops client repeats a POST only when Loops cannot
 * have acted on it (429, connection refused; src/loops/retry-policy.ts) because a merchant request
 * is waiting. A batch run can wait longer, and it can check before it repeats itself.
 */
export const MAP_RETRY = {
  /** Attempts per price, the first included. */
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  /** A longer `Retry-After` is capped: the run would rather retry than sit idle. */
  maxRetryAfterMs: 30_000,
} as const;

/**
 * - `fatal`: Loops refused our credentials; every other price would fail the same way: stop.
 * - `rejected`: Loops refused this product (a 4xx): repeating the same body changes nothing.
 * - `retry`: Loops did not act (429, connection refused, the key is busy in another request): repeat.
 * - `ambiguous`: Loops may have created it (5xx, timeout, dropped connection, an unreadable answer,
 *   or the key already used with another body): look for it before creating again.
 */
export type CreateFailureKind = 'fatal' | 'rejected' | 'retry' | 'ambiguous';

export function classifyCreateFailure(failure: LoopsFailure): CreateFailureKind {
  switch (failure.kind) {
    case 'http':
      if (failure.status === 401 || failure.status === 403) return 'fatal';
      if (failure.status === 429) return 'retry';
      // The emulator's (and Stripe's) "a request with this key is still running": wait, then replay.
      if (failure.status === 409 && failure.code === 'idempotency_in_progress') return 'retry';
      if (failure.status === 409) return 'ambiguous';
      if (failure.status === 408 || failure.status >= 500) return 'ambiguous';
      return 'rejected';
    case 'network':
      return failure.code === 'ECONNREFUSED' ? 'retry' : 'ambiguous';
    case 'timeout':
    case 'invalid_response':
      return 'ambiguous';
  }
}

/** Exponential backoff with jitter (50–100 %), or Loops' `Retry-After` when it gave one. */
export function createBackoffMs(attempt: number, failure: LoopsFailure | undefined, random: () => number = Math.random): number {
  if (failure?.kind === 'http' && failure.retryAfterSeconds !== undefined) {
    return Math.min(failure.retryAfterSeconds * 1000, MAP_RETRY.maxRetryAfterMs);
  }
  const exponential = Math.min(MAP_RETRY.baseDelayMs * 2 ** (attempt - 1), MAP_RETRY.maxDelayMs);
  return Math.round(exponential * (0.5 + random() / 2));
}
