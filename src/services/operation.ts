import type { EarlierAttempts } from '../store/idempotency-store';
import type { IdempotentAnswer } from '../store/session-store';

/**
 * The logical operation a request performs, as a use case sees it (docs/stripe-checkout-contract.md §4).
 * One object, owned by whoever started it: the idempotency middleware for an HTTP request
 * (http/idempotent-operation.ts); a use case reads what it needs to rebuild a retried operation's
 * Loops requests, and records through it what the operation's retries must know.
 */
export interface Operation {
  /** The request's `Idempotency-Key`; null without one (each such request is its own operation). */
  readonly idempotencyKey: string | null;
  /**
   * Stable for one logical operation: derived from the tenant, the Idempotency-Key and the
   * parameters, so a retried request derives the same Loops idempotency keys; random without a key.
   */
  readonly key: string;
  /**
   * When the operation first ran (ms): pinned with the Idempotency-Key, so a retry sees the first
   * attempt's clock; simply "now" without a key.
   */
  readonly startedAtMs: number;
  /**
   * Set when an earlier attempt of this operation ran and left no answer: what it asked Loops to
   * make may exist (Loops may have acted before failing, or may still act), so creates look for it
   * first, and hold back while an earlier create is unresolved (checkout-sessions/resumed-create.ts).
   */
  readonly earlierAttempts: EarlierAttempts | null;
  /** With an Idempotency-Key: this request's hold on it lapses no sooner than this (ms); creates are sent only before. */
  readonly lockedUntilMs: number | null;
  /**
   * The answer to store in the same atomic write as what the use case creates, so there is never
   * an object whose creating request cannot be replayed; undefined without an Idempotency-Key.
   * Call `answerStored()` once that write has kept it.
   */
  answerToStore(json: string): IdempotentAnswer | undefined;
  /** The answer from `answerToStore` was written: the owner need not store it again. */
  answerStored(): void;
  /**
   * Records that a Loops create this operation sent may still be carried out until `untilMs`, so a
   * retry on any instance holds back until then. False without an Idempotency-Key (nothing makes
   * a retry the same operation) or when the record is gone.
   */
  noteUnresolved(untilMs: number): Promise<boolean>;
}

/** An operation no retry can resume: no Idempotency-Key, nothing stored, nothing recorded. */
export function keylessOperation(key: string, startedAtMs: number): Operation {
  return {
    idempotencyKey: null,
    key,
    startedAtMs,
    earlierAttempts: null,
    lockedUntilMs: null,
    answerToStore: () => undefined,
    answerStored: () => undefined,
    noteUnresolved: async () => false,
  };
}
