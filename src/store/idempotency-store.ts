import { z } from 'zod';

/**
 * Stripe idempotency (docs/stripe-checkout-contract.md §4), per tenant. A key is first taken with a short lock
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
 * 409s until it lapses. A request never sends a Loops create after its lock may have lapsed
 * (`lockedUntilMs`, services/checkout-sessions/resumed-create.ts), so a stopped attempt's record
 * (`EarlierAttempts.unfinishedLockEndMs`) bounds what it can have sent.
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

/**
 * What the earlier attempts of an operation left about their Loops creates, for the attempt that
 * resumes it (services/checkout-sessions/resumed-create.ts decides what it may do).
 */
export interface EarlierAttempts {
  /**
   * Until when (ms) a create one of them sent, and never got an answer to, may still be carried out
   * by Loops (its send time plus the settle window); 0: none was left unresolved.
   */
  unresolvedUntilMs: number;
  /**
   * Set when the last of them never ended (its gateway died mid-request, or it outlived its
   * lock): it sent no Loops create after this time (ms), when its lock may have lapsed. What it
   * sent before is unknown, as a timed-out create is.
   */
  unfinishedLockEndMs: number | null;
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
       * Set when an earlier attempt of this operation ran and left no answer (it failed with a 5xx,
       * or its gateway died): what it asked Loops to make may exist, so the retry looks before
       * creating, and may not create at all while an earlier create is unresolved.
       */
      earlier: EarlierAttempts | null;
      /** This request's lock lapses no sooner than this (ms): `nowMs` plus the lock's duration. */
      lockedUntilMs: number;
    }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /**
   * Takes the key (or reports why not), pins the operation's start time and records that this
   * attempt is running, in one step.
   */
  begin(tenantId: string, key: string, fingerprint: string, operationKey: string, nowMs: number): Promise<BeginOutcome>;
  complete(tenantId: string, key: string, fingerprint: string, response: StoredResponse): Promise<void>;
  /**
   * Gives up a key this request took (validation failed, or Loops failed): a retry runs again, and
   * the operation's record says this attempt ended. With `forget`, the operation's record goes too
   * (a refused first attempt stores nothing), unless it holds an unresolved create.
   */
  release(tenantId: string, key: string, token: string, operationKey: string, forget: boolean): Promise<void>;
  /**
   * Records, with the operation, that a Loops create it sent may still be carried out until
   * `untilMs`, so a retry on any instance holds back until then. False when the operation has no
   * record (it expired): the caller cannot count on retries seeing the window.
   */
  noteUnresolved(tenantId: string, operationKey: string, untilMs: number): Promise<boolean>;
}

/**
 * The operation record beside a key (Redis `operation:<key>`), 24 hours from the first attempt:
 *   <startedAtMs>\n<runningSinceMs>\n<unresolvedUntilMs>
 * `runningSinceMs` is the start of the attempt that holds or last held the key, 0 once it ended;
 * `unresolvedUntilMs` is 0 or the latest end of an unresolved create's settle window. Written by
 * `begin` and `release` in the round trips they make anyway, and by `noteUnresolved` only after a
 * create went unanswered, so a create that Loops answers costs no extra round trip.
 */
export interface OperationRecord {
  startedAtMs: number;
  runningSinceMs: number;
  unresolvedUntilMs: number;
}

const operationRecordPattern = /^(\d+)(?:\n(\d+)\n(\d+))?$/;

export function decodeOperationRecord(raw: string): OperationRecord {
  const match = operationRecordPattern.exec(raw);
  if (!match) throw new Error('malformed operation record');
  const startedAtMs = Number(match[1]);
  // A record from before the last two lines existed: an attempt that may not have ended.
  if (match[2] === undefined) return { startedAtMs, runningSinceMs: startedAtMs, unresolvedUntilMs: 0 };
  return { startedAtMs, runningSinceMs: Number(match[2]), unresolvedUntilMs: Number(match[3]) };
}

/** What a resumed attempt learns from the record it found; `lockMs` is how long a lock lasts. */
export function earlierAttemptsOf(record: OperationRecord, lockMs: number): EarlierAttempts {
  return {
    unresolvedUntilMs: record.unresolvedUntilMs,
    unfinishedLockEndMs: record.runningSinceMs > 0 ? record.runningSinceMs + lockMs : null,
  };
}

/** What a second request with a key finds, given what the first left. */
export function outcomeFor(existing: IdempotencyEntry | undefined, fingerprint: string): BeginOutcome {
  if (!existing) return { kind: 'in_flight' };
  if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
  return existing.state === 'done' ? { kind: 'replay', response: existing.response } : { kind: 'in_flight' };
}
