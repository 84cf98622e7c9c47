import type { StoredEvent } from './event-store';
import type { ListPage } from './list-scan';
import type { CustomerRecord } from './customer-record';
import type { IdempotentAnswer } from './session-store';

export { UnknownCursorError } from './list-scan';

/**
 * Which live customers a read walks, newest first: all of them (by creation), those with one exact
 * email (list's `email`), or those with one email up to case (search's `email:'…'`). Each is its
 * own sorted set, so a read never walks customers it cannot return.
 */
export type CustomerIndex = { kind: 'all' } | { kind: 'email'; email: string } | { kind: 'folded-email'; email: string };

/** Creation times (ms, inclusive) a read is limited to: a `created` filter narrows the index itself. */
export interface CreatedWindow {
  minMs: number;
  maxMs: number;
}

export const WHOLE_HISTORY: CreatedWindow = { minMs: -Infinity, maxMs: Infinity };

/** Where a scan stopped: the last index entry it read (a search page token carries it). */
export interface ScanPosition {
  id: string;
  createdMs: number;
}

export interface CustomerIndexRead {
  index: CustomerIndex;
  window: CreatedWindow;
}

export interface CustomerListQuery extends CustomerIndexRead {
  limit: number;
  /** Exclusive cursors (customer ids); at most one is set. */
  startingAfter?: string;
  endingBefore?: string;
}

export interface CustomerScanQuery extends CustomerIndexRead {
  /** Continue after this entry (its place, if it has left the index since, by its creation time). */
  after?: ScanPosition;
  /** Index entries to read, at most. */
  count: number;
}

export interface ScanChunk {
  /** Entries in index order; `record` is undefined where the customer left the index meanwhile. */
  entries: { position: ScanPosition; record?: CustomerRecord }[];
  /** True when the window has no entries beyond these. */
  ended: boolean;
}

export type CustomerInsertResult =
  | { kind: 'created'; record: CustomerRecord }
  /** The id was taken already: the same operation ran before (ids derive from the operation). */
  | { kind: 'exists'; record: CustomerRecord };

export type CustomerUpdateResult =
  | { kind: 'missing' }
  | { kind: 'unchanged'; record: CustomerRecord }
  | { kind: 'updated'; record: CustomerRecord; previous: CustomerRecord; announced: StoredEvent };

/**
 * The customer directory per tenant. Every write that changes a customer records its event (event
 * log, list, outbox) in the same atomic step, so there is never a change without its
 * `customer.*` event or an event without its change; updates and deletes compare-and-set, so
 * concurrent writers all land and a delete is won once. A deleted customer leaves every index and
 * stays as a stub (retrieve answers `deleted: true`).
 */
export interface CustomerStore {
  /** A new customer with its `customer.created` event and, when given, the idempotent answer. */
  insert(record: CustomerRecord, event: StoredEvent, answer?: IdempotentAnswer): Promise<CustomerInsertResult>;
  get(tenantId: string, id: string): Promise<CustomerRecord | undefined>;
  /**
   * `change` returns the new record (a deleted stub to delete), or undefined to leave it as it is;
   * `announce` builds the event the change causes, recorded with it.
   */
  update(
    tenantId: string,
    id: string,
    change: (current: CustomerRecord) => CustomerRecord | undefined,
    announce: (next: CustomerRecord, previous: CustomerRecord) => StoredEvent,
  ): Promise<CustomerUpdateResult>;
  /** Stripe cursor pagination over one index and window (list-scan.ts); cost O(log n + limit). */
  list(tenantId: string, query: CustomerListQuery): Promise<ListPage<CustomerRecord>>;
  /** Reads `count` index entries after a position, for search's bounded scans. */
  scan(tenantId: string, query: CustomerScanQuery): Promise<ScanChunk>;
}
