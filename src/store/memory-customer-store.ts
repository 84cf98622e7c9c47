import { updateInMemory } from './compare-and-set';
import { listWindow, scanWindow, type SortedIndex } from './customer-index';
import { foldEmail, liveCustomer, type CustomerRecord } from './customer-record';
import type { CustomerIndex, CustomerStore, CustomerUpdateResult } from './customer-store';
import type { IdempotencyStore } from './idempotency-store';
import type { MemoryEventLog } from './memory-event-store';

/**
 * The sandbox's customer directory; same ordering and semantics as Redis. Each write and its event
 * happen synchronously, so nothing runs in between (the Redis store does both in one script). The
 * indexes are derived from the records on each read: fine for a sandbox, not for production.
 */
export function createMemoryCustomerStore(events: MemoryEventLog, idempotency?: IdempotencyStore): CustomerStore {
  const tenants = new Map<string, Map<string, CustomerRecord>>();
  const of = (tenantId: string) => {
    let records = tenants.get(tenantId);
    if (!records) tenants.set(tenantId, (records = new Map()));
    return records;
  };
  const copy = (record: CustomerRecord): CustomerRecord => structuredClone(record);

  const inIndex = (index: CustomerIndex) => (record: CustomerRecord) => {
    const customer = liveCustomer(record);
    if (!customer) return false;
    if (index.kind === 'all') return true;
    if (index.kind === 'email') return customer.email === index.email;
    return customer.email !== null && foldEmail(customer.email) === index.email;
  };

  function sortedIndex(tenantId: string, index: CustomerIndex): SortedIndex {
    // Newest first; equal times by id descending, as Redis ZREVRANGE orders equal scores.
    const ordered = [...of(tenantId).values()]
      .filter(inIndex(index))
      .sort((a, b) => b.createdMs - a.createdMs || (a.customer.id < b.customer.id ? 1 : -1));
    return {
      countNewerThan: async (ms) => ordered.filter((r) => r.createdMs > ms).length,
      countFrom: async (ms) => ordered.filter((r) => r.createdMs >= ms).length,
      rankOf: async (id) => {
        const rank = ordered.findIndex((r) => r.customer.id === id);
        return rank === -1 ? undefined : rank;
      },
      entries: async (start, stop) =>
        ordered.slice(start, stop + 1).map((r) => ({ position: { id: r.customer.id, createdMs: r.createdMs }, record: copy(r) })),
    };
  }

  return {
    async insert(record, event, answer) {
      const records = of(record.tenantId);
      const existing = records.get(record.customer.id);
      if (existing) return { kind: 'exists', record: copy(existing) };
      events.insert(record.tenantId, event);
      records.set(record.customer.id, copy(record));
      if (answer) await idempotency?.complete(record.tenantId, answer.key, answer.fingerprint, answer.response);
      return { kind: 'created', record: copy(record) };
    },
    async get(tenantId, id) {
      const record = of(tenantId).get(id);
      return record && copy(record);
    },
    async update(tenantId, id, change, announce): Promise<CustomerUpdateResult> {
      return updateInMemory(of(tenantId), id, change, announce, (event) => events.insert(tenantId, event));
    },
    list(tenantId, query) {
      return listWindow(sortedIndex(tenantId, query.index), query, async (id) => of(tenantId).get(id)?.createdMs);
    },
    scan(tenantId, query) {
      return scanWindow(sortedIndex(tenantId, query.index), query.window, query.after, query.count);
    },
  };
}
