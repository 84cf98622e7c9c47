import type { ListPage, ListQuery } from './list-scan';
import type { StoredResponse } from './idempotency-store';
import type { SessionRecord } from './session-record';

export { UnknownCursorError } from './list-scan';

/**
 * Checkout sessions per tenant, newest first. `update` is a compare-and-set loop, so concurrent
 * writers (a webhook, a retrieve, the expiry sweep) never lose each other's changes, and a
 * transition such as open → complete is won by exactly one of them.
 */
/** The idempotent answer that announced a new session, stored with it (stripe-surface.md §4). */
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
  /** `change` returns the new record, or undefined to leave it as it is. Returns what is stored after. */
  update(tenantId: string, id: string, change: (current: SessionRecord) => SessionRecord | undefined): Promise<UpdateResult>;
  list(tenantId: string, query: ListQuery<SessionRecord>): Promise<ListPage<SessionRecord>>;
  /** Drops index entries of sessions past their retention (their records are already gone). */
  trimIndex(tenantId: string, nowMs: number): Promise<void>;
  /** Ids of open sessions whose `expires_at` is at or before `nowSeconds` (for the expiry sweep). */
  dueForExpiry(tenantId: string, nowSeconds: number, limit: number): Promise<string[]>;
}

export type UpdateResult =
  { kind: 'missing' } | { kind: 'unchanged'; record: SessionRecord } | { kind: 'updated'; record: SessionRecord; previous: SessionRecord };
