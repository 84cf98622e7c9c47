import { rangedSource, searchPage, type SortedIndex } from './index-scan';
import { scanPage } from './rank-scan';
import type { MemoryEventLog } from './memory-event-store';
import type { InvoiceRecord, SubscriptionRecord } from './subscription-record';
import {
  indexName,
  invoiceIndexChanges,
  subscriptionIndexChanges,
  type InvoiceIndex,
  type SubscriptionIndex,
  type SubscriptionStore,
} from './subscription-store';

/**
 * Subscriptions and invoices in process memory (the sandbox and unit tests), with the Redis
 * store's semantics: the same indexes and order (score descending, ties by id descending, as
 * ZREVRANGE orders them), and a write that stores the record, its invoices and its events in one
 * synchronous step, so nothing runs between them.
 */
export function createMemorySubscriptionStore(events: MemoryEventLog): SubscriptionStore {
  interface Tenant {
    subscriptions: Map<string, SubscriptionRecord>;
    invoices: Map<string, InvoiceRecord>;
    indexes: Map<string, Map<string, number>>;
  }
  const tenants = new Map<string, Tenant>();
  const of = (tenantId: string): Tenant => {
    let tenant = tenants.get(tenantId);
    if (!tenant) tenants.set(tenantId, (tenant = { subscriptions: new Map(), invoices: new Map(), indexes: new Map() }));
    return tenant;
  };
  const entries = (tenant: Tenant, name: string) => {
    let index = tenant.indexes.get(name);
    if (!index) tenant.indexes.set(name, (index = new Map()));
    return index;
  };
  const ordered = (index: Map<string, number>) => [...index.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1));

  function sortedIndex<T>(tenant: Tenant, name: string, from: Map<string, T>): SortedIndex<T> {
    const index = entries(tenant, name);
    return {
      count: async (min, max) =>
        [...index.values()].filter((score) => (min === undefined || score >= min) && (max === undefined || score <= max)).length,
      rank: async (member) => {
        const rank = ordered(index).findIndex(([id]) => id === member);
        return rank === -1 ? undefined : rank;
      },
      members: async (start, stop) =>
        ordered(index)
          .slice(start, stop + 1)
          .map(([id]) => id),
      load: async (ids) => ids.map((id) => structuredClone(from.get(id))),
    };
  }

  return {
    async get(tenantId, id) {
      const record = of(tenantId).subscriptions.get(id);
      return record && structuredClone(record);
    },
    async getInvoice(tenantId, id) {
      const record = of(tenantId).invoices.get(id);
      return record && structuredClone(record);
    },
    async write(tenantId, write) {
      const tenant = of(tenantId);
      const current = tenant.subscriptions.get(write.record.id);
      if (write.expectedVersion === null ? current !== undefined : current?.version !== write.expectedVersion) return { kind: 'conflict' };
      const stored: SubscriptionRecord = { ...structuredClone(write.record), version: (write.expectedVersion ?? 0) + 1 };
      tenant.subscriptions.set(stored.id, stored);
      for (const change of subscriptionIndexChanges(write.previous, stored)) {
        if (change.op === 'add') entries(tenant, `sub:${indexName(change.index)}`).set(change.member, change.score);
        else entries(tenant, `sub:${indexName(change.index)}`).delete(change.member);
      }
      for (const invoice of write.invoices) {
        tenant.invoices.set(invoice.id, structuredClone(invoice));
        for (const change of invoiceIndexChanges(invoice)) {
          if (change.op === 'add') entries(tenant, `in:${indexName(change.index)}`).set(change.member, change.score);
          else entries(tenant, `in:${indexName(change.index)}`).delete(change.member);
        }
      }
      for (const event of write.events) events.insert(tenantId, event);
      return { kind: 'written', record: structuredClone(stored) };
    },
    async list(tenantId, scan) {
      const tenant = of(tenantId);
      return scanPage(await rangedSource(sortedIndex(tenant, `sub:${indexName(scan.index)}`, tenant.subscriptions), scan.created), scan);
    },
    async listInvoices(tenantId, scan) {
      const tenant = of(tenantId);
      return scanPage(await rangedSource(sortedIndex(tenant, `in:${indexName(scan.index)}`, tenant.invoices), scan.created), scan);
    },
    countSubscriptions: async (tenantId, index: SubscriptionIndex) => entries(of(tenantId), `sub:${indexName(index)}`).size,
    countInvoices: async (tenantId, index: InvoiceIndex) => entries(of(tenantId), `in:${indexName(index)}`).size,
    search: async (tenantId, scan) => {
      const tenant = of(tenantId);
      return searchPage(sortedIndex(tenant, `sub:${indexName(scan.index)}`, tenant.subscriptions), scan);
    },
    async due(tenantId, nowSeconds, limit) {
      return [...entries(of(tenantId), 'sub:due').entries()]
        .filter(([, at]) => at <= nowSeconds)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([id]) => id);
    },
    async rescheduleDue(tenantId, id, atSeconds) {
      const due = entries(of(tenantId), 'sub:due');
      if (due.has(id)) due.set(id, atSeconds);
    },
  };
}
