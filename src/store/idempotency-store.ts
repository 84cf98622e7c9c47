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

export type IdempotencyEntry =
  { state: 'in_flight'; fingerprint: string; token: string } | { state: 'done'; fingerprint: string; response: StoredResponse };

/**
 * Entries as stored in Redis: a few header lines, then the response body verbatim. Not JSON, so a
 * 3 KB response is neither escaped on the way in nor unescaped on replay (both showed in profiles).
 *   in_flight\n<fingerprint>\n<token>
 *   done\n<fingerprint>\n<status>\n<request id>\n<body>
 */
export function encodeEntry(entry: IdempotencyEntry): string {
  return entry.state === 'in_flight'
    ? `in_flight\n${entry.fingerprint}\n${entry.token}`
    : `done\n${entry.fingerprint}\n${entry.response.status}\n${entry.response.requestId}\n${entry.response.body}`;
}

export function decodeEntry(raw: string): IdempotencyEntry {
  const headerLines = raw.startsWith('done\n') ? 4 : 2;
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < headerLines; i++) {
    const end = raw.indexOf('\n', from);
    if (end === -1) throw new Error('malformed idempotency entry');
    parts.push(raw.slice(from, end));
    from = end + 1;
  }
  const rest = raw.slice(from);
  const [state = '', fingerprint = '', status = '', requestId = ''] = parts;
  if (state === 'in_flight') return { state, fingerprint, token: rest };
  if (state !== 'done') throw new Error('malformed idempotency entry');
  return { state, fingerprint, response: storedResponseSchema.parse({ status: Number(status), requestId, body: rest }) };
}

export type BeginOutcome =
  /**
   * `startedAtMs` is the clock reading of the operation's first attempt, kept beside the key for
   * 24 hours: a retried create rebuilds exactly the Loops request of its first attempt from it
   * (`created`, the default `expires_at`), so Loops sees one request, not two.
   */
  | {
      kind: 'started';
      token: string;
      startedAtMs: number;
      /**
       * An earlier attempt of this operation ran and left no answer (it failed with a 5xx, or its
       * gateway died): what it asked Loops to make may exist, so the retry looks before creating.
       */
      resumed: boolean;
    }
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
