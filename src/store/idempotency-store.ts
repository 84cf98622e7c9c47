import { z } from 'zod';

/**
 * Stripe idempotency (stripe-surface.md §4), per tenant. A key is first taken with a short lock
 * while the request runs, then holds the response for replay.
 */
export const IDEMPOTENCY = {
  /** Longer than the slowest request (Loops timeout × attempts); a crashed holder frees it after this. */
  lockSeconds: 60,
  /** Stripe keeps keys at least 24 hours. */
  retentionSeconds: 24 * 3600,
} as const;

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
  /** Forgets a key this request took (validation failed, or Loops failed): a retry runs afresh. */
  release(tenantId: string, key: string, token: string): Promise<void>;
}

/** What a second request with a key finds, given what the first left. */
export function outcomeFor(existing: IdempotencyEntry | undefined, fingerprint: string): BeginOutcome {
  if (!existing) return { kind: 'in_flight' };
  if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
  return existing.state === 'done' ? { kind: 'replay', response: existing.response } : { kind: 'in_flight' };
}
