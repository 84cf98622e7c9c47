import type { LoopsSubscriptionStatus } from '../loops/loops-schemas';
import type { StoredEvent } from './event-store';
import type { ListPage, ListQuery } from './list-scan';
import { INVOICE_STATUSES, type InvoiceRecord, type InvoiceStatus, type SubscriptionRecord } from './subscription-record';

export { UnknownCursorError } from './list-scan';

/**
 * The indexes lists read from (newest first). A list walks one index and filters the rest in
 * memory, so the service picks the smallest index its filters allow (subscription-service.ts):
 * no request walks a tenant's whole history unless it asked for all of it.
 */
export type SubscriptionIndex =
  | { kind: 'all' }
  /** Every status but `canceled`: Stripe's default list. */
  | { kind: 'live' }
  | { kind: 'status'; status: LoopsSubscriptionStatus }
  | { kind: 'customer'; customer: string }
  | { kind: 'price'; price: string };

export type InvoiceIndex =
  | { kind: 'all' }
  | { kind: 'status'; status: InvoiceStatus }
  | { kind: 'customer'; customer: string }
  | { kind: 'subscription'; subscription: string };

/** `created` bounds in the index's scores (milliseconds), both inclusive. */
export interface CreatedRange {
  min?: number;
  max?: number;
}

export interface IndexScan<I, T> extends ListQuery<T> {
  index: I;
  created?: CreatedRange;
}

/** A search page: records from `afterId` on, at most `limit` matches within `maxExamined` records. */
export interface SearchScan<T> {
  index: SubscriptionIndex;
  afterId?: string;
  limit: number;
  maxExamined: number;
  matches: (record: T) => boolean;
}

export interface SearchPage<T> {
  records: T[];
  /** Where the next page starts (the last record looked at); null when the index ended. */
  resumeAfter: string | null;
}

/**
 * One sync's write: the subscription (inserted when `expectedVersion` is null, else replaced if
 * still at that version), the invoices it changed and the Stripe events it announces, in one
 * atomic step, so a state is never stored without its events nor announced without being stored.
 */
export interface SubscriptionWrite {
  expectedVersion: number | null;
  previous: SubscriptionRecord | undefined;
  record: SubscriptionRecord;
  invoices: InvoiceRecord[];
  events: StoredEvent[];
}

export type WriteResult = { kind: 'written'; record: SubscriptionRecord } | { kind: 'conflict' };

export interface SubscriptionStore {
  get(tenantId: string, id: string): Promise<SubscriptionRecord | undefined>;
  getInvoice(tenantId: string, id: string): Promise<InvoiceRecord | undefined>;
  write(tenantId: string, write: SubscriptionWrite): Promise<WriteResult>;
  list(tenantId: string, scan: IndexScan<SubscriptionIndex, SubscriptionRecord>): Promise<ListPage<SubscriptionRecord>>;
  listInvoices(tenantId: string, scan: IndexScan<InvoiceIndex, InvoiceRecord>): Promise<ListPage<InvoiceRecord>>;
  /** How many entries an index holds (to pick the smallest one a list's filters allow). */
  countSubscriptions(tenantId: string, index: SubscriptionIndex): Promise<number>;
  countInvoices(tenantId: string, index: InvoiceIndex): Promise<number>;
  search(tenantId: string, scan: SearchScan<SubscriptionRecord>): Promise<SearchPage<SubscriptionRecord>>;
  /** Ids of live subscriptions due at `nowSeconds`, earliest first. */
  due(tenantId: string, nowSeconds: number, limit: number): Promise<string[]>;
  /** The sweep looked and found nothing to do yet: due again at `atSeconds` (if still indexed). */
  rescheduleDue(tenantId: string, id: string, atSeconds: number): Promise<void>;
}

/** An index entry to add or remove, named abstractly; each store maps it to its own structure. */
export type IndexChange =
  | { op: 'add'; index: SubscriptionIndex | { kind: 'due' }; member: string; score: number }
  | { op: 'remove'; index: SubscriptionIndex | { kind: 'due' }; member: string };

export type InvoiceIndexChange =
  { op: 'add'; index: InvoiceIndex; member: string; score: number } | { op: 'remove'; index: InvoiceIndex; member: string };

/** The index entries a subscription write adds and removes (shared by both stores). */
export function subscriptionIndexChanges(previous: SubscriptionRecord | undefined, next: SubscriptionRecord): IndexChange[] {
  const member = next.id;
  const score = next.createdMs;
  const status = next.loops.status;
  const changes: IndexChange[] = [
    { op: 'add', index: { kind: 'all' }, member, score },
    { op: 'add', index: { kind: 'status', status }, member, score },
    { op: 'add', index: { kind: 'price', price: next.price.id }, member, score },
    status === 'canceled' ? { op: 'remove', index: { kind: 'live' }, member } : { op: 'add', index: { kind: 'live' }, member, score },
    next.dueAt === null ? { op: 'remove', index: { kind: 'due' }, member } : { op: 'add', index: { kind: 'due' }, member, score: next.dueAt },
  ];
  if (previous && previous.loops.status !== status) changes.push({ op: 'remove', index: { kind: 'status', status: previous.loops.status }, member });
  if (next.customer !== null) changes.push({ op: 'add', index: { kind: 'customer', customer: next.customer }, member, score });
  if (previous?.customer && previous.customer !== next.customer) {
    changes.push({ op: 'remove', index: { kind: 'customer', customer: previous.customer }, member });
  }
  return changes;
}

/**
 * An invoice's index entries. Its status moves (open → paid), so it leaves every other status
 * index; its customer and subscription never change once it is made.
 */
export function invoiceIndexChanges(invoice: InvoiceRecord): InvoiceIndexChange[] {
  const member = invoice.id;
  const score = invoice.created * 1000;
  const changes: InvoiceIndexChange[] = [
    { op: 'add', index: { kind: 'all' }, member, score },
    { op: 'add', index: { kind: 'subscription', subscription: invoice.subscriptionId }, member, score },
    ...INVOICE_STATUSES.map((status): InvoiceIndexChange =>
      status === invoice.status
        ? { op: 'add', index: { kind: 'status', status }, member, score }
        : { op: 'remove', index: { kind: 'status', status }, member },
    ),
  ];
  if (invoice.customer !== null) changes.push({ op: 'add', index: { kind: 'customer', customer: invoice.customer }, member, score });
  return changes;
}

/** Stable names of indexes, for the in-memory store's maps. */
export function indexName(index: SubscriptionIndex | InvoiceIndex | { kind: 'due' }): string {
  switch (index.kind) {
    case 'all':
    case 'live':
    case 'due':
      return index.kind;
    case 'status':
      return `status:${index.status}`;
    case 'customer':
      return `customer:${index.customer}`;
    case 'price':
      return `price:${index.price}`;
    case 'subscription':
      return `subscription:${index.subscription}`;
  }
}
