import { z } from 'zod';

/**
 * Stripe idempotency (stripe-surface.md §4), per tenant. A key is first taken with a short lock
 * while the request runs, then holds the response for replay.
 */
export const IDEMPOTENCY = {
  /** Stripe keeps keys at least 24 hours. */
  retentionSeconds: 24 * 3600,
} as const;

/**
 * How long a request holds its key while running. It must outlast the slowest request — two
 * sequential Loops calls (an ad-hoc product, then the session), each with every attempt timing out —
 * and no more: a gateway killed mid-request leaves its lock behind, and the client's retries get
 * 409s until it lapses.
 */
export function idempotencyLockSeconds(loopsTimeoutMs: number, loopsAttempts: number): number {
  return Math.ceil((2 * loopsTimeoutMs * loopsAttempts) / 1000) + 5;
}

export const storedResponseSchema = z.object({ status: z.number().int(), body: z.string(), requestId: z.string() });
export type StoredResponse = z.infer<typeof storedResponseSchema>;

export const idempotencyEntrySchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('in_flight'), fingerprint: z.string(), token: z.string() }),
  z.object({ state: z.literal('done'), fingerprint: z.string(), response: storedResponseSchema }),
]);
export type IdempotencyEntry = z.infer<typeof idempotencyEntrySchema>;

export type BeginOutcome =
  /**
   * `startedAtMs` is the clock reading of the operation's first attempt, kept beside the key for
   * 24 hours: a retried create rebuilds exactly the Loops request of its first attempt from it
   * (`created`, the default `expires_at`), so Loops sees one request, not two.
   */
  | { kind: 'started'; token: string; startedAtMs: number }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /** Takes the key (or reports why not) and pins the operation's start time, in one step. */
  begin(tenantId: string, key: string, fingerprint: string, operationKey: string, nowMs: number): Promise<BeginOutcome>;
  complete(tenantId: string, key: string, fingerprint: string, response: StoredResponse): Promise<void>;
  /**
   * Forgets a key this request took (validation failed, or Loops failed): a retry runs afresh.
   * With `operationKey`, the operation's start-time pin goes too (a refused request stores nothing).
   */
  release(tenantId: string, key: string, token: string, operationKey?: string): Promise<void>;
}

/** What a second request with a key finds, given what the first left. */
export function outcomeFor(existing: IdempotencyEntry | undefined, fingerprint: string): BeginOutcome {
  if (!existing) return { kind: 'in_flight' };
  if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
  return existing.state === 'done' ? { kind: 'replay', response: existing.response } : { kind: 'in_flight' };
}
