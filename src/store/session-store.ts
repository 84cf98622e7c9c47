import type { SessionRecord } from './session-record';

export interface ListPage {
  records: SessionRecord[];
  hasMore: boolean;
}

export interface ListQuery {
  limit: number;
  /** Exclusive cursors (object ids); at most one is set. */
  startingAfter?: string;
  endingBefore?: string;
  matches: (record: SessionRecord) => boolean;
}

/** Thrown by `list` when a cursor names no session of this tenant. */
export class UnknownCursorError extends Error {
  constructor(readonly cursor: string) {
    super(`unknown cursor ${cursor}`);
  }
}

/**
 * Checkout sessions per tenant, newest first. `update` is a compare-and-set loop, so concurrent
 * writers (a webhook, a retrieve, the expiry sweep) never lose each other's changes, and a
 * transition such as open → complete is won by exactly one of them.
 */
export interface SessionStore {
  insert(record: SessionRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<SessionRecord | undefined>;
  /** `change` returns the new record, or undefined to leave it as it is. Returns what is stored after. */
  update(tenantId: string, id: string, change: (current: SessionRecord) => SessionRecord | undefined): Promise<UpdateResult>;
  list(tenantId: string, query: ListQuery): Promise<ListPage>;
}

export type UpdateResult =
  { kind: 'missing' } | { kind: 'unchanged'; record: SessionRecord } | { kind: 'updated'; record: SessionRecord; previous: SessionRecord };
