import { updateInMemory } from './compare-and-set';
import type { IdempotencyStore } from './idempotency-store';
import { listPage } from './list-scan';
import { MemoryIndexes } from './sorted-index';
import type { MemoryEventLog } from './memory-event-store';
import type { PortalConfigurationRecord } from './portal-configuration-record';
import type { PortalConfigurationStore } from './portal-configuration-store';

/**
 * The sandbox's portal configurations; same ordering and semantics as Redis. Each write and its
 * event happen synchronously, so nothing runs in between (the Redis store does both in one script).
 */
export function createMemoryPortalConfigurationStore(events: MemoryEventLog, idempotency?: IdempotencyStore): PortalConfigurationStore {
  const tenants = new Map<string, Map<string, PortalConfigurationRecord>>();
  const of = (tenantId: string) => {
    let records = tenants.get(tenantId);
    if (!records) tenants.set(tenantId, (records = new Map()));
    return records;
  };
  const copy = (record: PortalConfigurationRecord): PortalConfigurationRecord => structuredClone(record);

  return {
    async insert(record, event, answer) {
      const records = of(record.tenantId);
      const existing = records.get(record.configuration.id);
      if (existing) return { kind: 'exists', record: copy(existing) };
      if (event) events.insert(record.tenantId, event);
      records.set(record.configuration.id, copy(record));
      if (answer) await idempotency?.complete(record.tenantId, answer.key, answer.fingerprint, answer.response);
      return { kind: 'created', record: copy(record) };
    },
    async get(tenantId, id) {
      const record = of(tenantId).get(id);
      return record && copy(record);
    },
    async update(tenantId, id, change, announce) {
      return updateInMemory(of(tenantId), id, change, announce, (event) => events.insert(tenantId, event));
    },
    list(tenantId, query) {
      // Ordered as the Redis index is (by creation ms, then id): the same walk over the same order.
      const records = of(tenantId);
      const indexes = new MemoryIndexes();
      for (const record of records.values()) indexes.main.add(record.configuration.id, record.createdMs);
      return listPage(
        indexes.source((ids) => ids.map((id) => records.get(id)).map((record) => record && copy(record))),
        query,
      );
    },
  };
}
