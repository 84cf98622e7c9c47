import type { StoredEvent } from './event-store';
import type { ListPage, ListQuery } from './list-scan';
import type { StoredResponse } from './idempotency-store';
import type { SessionRecord } from './session-record';

export { UnknownCursorError } from './list-scan';

/**
 * Checkout sessions per tenant, newest first. `update` is a compare-and-set loop, so concurrent
 * writers (a webhook, a retrieve, the expiry sweep) never lose each other's changes, and a
 * transition such as open → complete is won by exactly one of them.
 */
/** The idempotent answer that announced a new session, stored with it (docs/stripe-checkout-contract.md §4). */
export interface IdempotentAnswer {
  key: string;
  fingerprint: string;
  response: StoredResponse;
}

export interface SessionStore {
  /**
   * A new session and, when the request carried an Idempotency-Key, the answer it got, in one
   * atomic step: there is never a session whose creating request cannot be replayed.
   */
  insert(record: SessionRecord, answer?: IdempotentAnswer): Promise<void>;
  get(tenantId: string, id: string): Promise<SessionRecord | undefined>;
  /** Several sessions in one round trip, in the order asked; `undefined` for one that is gone. */
  getMany(tenantId: string, ids: string[]): Promise<(SessionRecord | undefined)[]>;
  /**
   * `change` returns the new record, or undefined to leave it as it is. Returns what is stored after.
   * `announce` names the Stripe event the change causes, if any; it is recorded (event log, list,
   * outbox) in the same atomic step as the session write (docs/webhooks.md, "Incoming"). So a
   * session never becomes final without its event, and since the compare-and-set lets exactly one
   * writer make a transition, the event exists exactly once, without a time-limited dedupe key.
   * `announce` reads what it is given and changes none of it (the Redis store hands it the records
   * it returns, without copies). `seen`: the record as the caller read it moments ago; the first
   * compare-and-set starts from it instead of reading again (a webhook read the session to find
   * it, and a read is a round trip and a parse), and a stale one only loses the compare: the loop
   * then reads afresh. A `change` that leaves `seen` as it is is tried again on a fresh read, so
   * "unchanged" always describes what is stored.
   */
  update(
    tenantId: string,
    id: string,
    change: (current: SessionRecord) => SessionRecord | undefined,
    announce?: (next: SessionRecord, previous: SessionRecord) => StoredEvent | undefined,
    seen?: SessionRecord,
  ): Promise<UpdateResult>;
  /** Newest first; `query.narrow` in the terms of session-indexes.ts. */
  list(tenantId: string, query: ListQuery<SessionRecord>): Promise<ListPage<SessionRecord>>;
  /**
   * Adds up to `budget` sessions stored before the list indexes existed to them; true once every
   * session of the tenant is indexed (until then a list reads every session, as before). The build
   * starts `graceMs` after it is first asked for (store/redis-list-index.ts says why).
   */
  buildIndexes(tenantId: string, budget: number, graceMs: number): Promise<boolean>;
  /** Drops index entries of sessions past their retention (their records are already gone). */
  trimIndex(tenantId: string, nowMs: number): Promise<void>;
  /**
   * Claims up to `limit` open sessions due for the expiry sweep at `nowSeconds`, earliest first,
   * and returns their ids: due at their `expires_at`, or when the sweep last asked to look again
   * (`retryExpiryAt`). Claimed, they are not due again before `claimUntilSeconds` (unless moved
   * back), so sweeps on several instances share a backlog instead of each working through all of it.
   */
  claimDueForExpiry(tenantId: string, nowSeconds: number, limit: number, claimUntilSeconds: number): Promise<string[]>;
  /** How many open sessions are due for the sweep at `nowSeconds` and not claimed: its backlog. */
  countDueForExpiry(tenantId: string, nowSeconds: number): Promise<number>;
  /** The sweep could not settle the session now: it is due again at `atSeconds` (if still open). */
  retryExpiryAt(tenantId: string, id: string, atSeconds: number): Promise<void>;
  /** The session's record is gone (past its retention): it leaves the sweep's index. */
  dropFromExpiryIndex(tenantId: string, id: string): Promise<void>;
  /**
   * Takes the session's update lock with `token` for `leaseMs` if nobody holds it; false if someone
   * does. Metadata updates hold it while they talk to Loops and store their change
   * (services/checkout-sessions/session-update-lock.ts).
   */
  lockForUpdate(tenantId: string, id: string, token: string, leaseMs: number): Promise<boolean>;
  /** Releases the lock if `token` still holds it. */
  unlockForUpdate(tenantId: string, id: string, token: string): Promise<void>;
}

export type UpdateResult =
  | { kind: 'missing' }
  | { kind: 'unchanged'; record: SessionRecord }
  /** `announced`: the event recorded with the change, which still has to be queued for delivery. */
  | { kind: 'updated'; record: SessionRecord; previous: SessionRecord; announced?: StoredEvent };
