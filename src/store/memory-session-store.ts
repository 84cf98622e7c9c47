import type { IdempotencyStore } from './idempotency-store';
import { listPage } from './list-scan';
import type { MemoryEventLog } from './memory-event-store';
import { sessionTerms } from './session-indexes';
import type { SessionRecord } from './session-record';
import type { SessionStore, UpdateResult } from './session-store';
import { MemoryIndexes } from './sorted-index';

/**
 * In-process sessions for the zero-config sandbox and unit tests; same ordering, list indexes and
 * semantics as Redis. `update` records the event a transition announces in the event log with it,
 * synchronously, so nothing can run between the two (the Redis store does both in one script);
 * given the idempotency store, `insert` stores a session's idempotent answer with it.
 */
export function createMemorySessionStore(events: MemoryEventLog, idempotency?: IdempotencyStore, now: () => number = Date.now): SessionStore {
  interface Tenant {
    records: Map<string, SessionRecord>;
    /** The sweep's index, as Redis keeps it: open sessions and when each is next due. */
    dueAt: Map<string, number>;
    indexes: MemoryIndexes;
    locks: Map<string, { token: string; until: number }>;
  }
  const tenants = new Map<string, Tenant>();
  const of = (tenantId: string) => {
    let tenant = tenants.get(tenantId);
    if (!tenant) tenants.set(tenantId, (tenant = { records: new Map(), dueAt: new Map(), indexes: new MemoryIndexes(), locks: new Map() }));
    return tenant;
  };
  const copy = (record: SessionRecord): SessionRecord => structuredClone(record);
  const due = (tenantId: string, nowSeconds: number) => [...of(tenantId).dueAt.entries()].filter(([, at]) => at <= nowSeconds);

  return {
    async insert(record, answer) {
      const tenant = of(record.tenantId);
      const id = record.session.id;
      tenant.records.set(id, copy(record));
      tenant.indexes.main.add(id, record.createdMs);
      for (const term of sessionTerms(record.session)) tenant.indexes.add(term, id, record.createdMs);
      if (record.session.status === 'open') tenant.dueAt.set(id, record.session.expires_at);
      if (answer) await idempotency?.complete(record.tenantId, answer.key, answer.fingerprint, answer.response);
    },
    async get(tenantId, id) {
      const record = of(tenantId).records.get(id);
      return record && copy(record);
    },
    async getMany(tenantId, ids) {
      const records = of(tenantId).records;
      return ids.map((id) => records.get(id)).map((record) => record && copy(record));
    },
    // `seen` saves the Redis store a read; here a read costs nothing, so the current record is used.
    async update(tenantId, id, change, announce): Promise<UpdateResult> {
      const tenant = of(tenantId);
      const current = tenant.records.get(id);
      if (!current) return { kind: 'missing' };
      const next = change(copy(current));
      if (!next) return { kind: 'unchanged', record: copy(current) };
      const stored = { ...copy(next), version: current.version + 1 };
      const announced = announce?.(copy(stored), copy(current));
      if (announced) events.insert(tenantId, announced);
      tenant.records.set(id, stored);
      for (const term of sessionTerms(current.session)) tenant.indexes.remove(term, id);
      for (const term of sessionTerms(stored.session)) tenant.indexes.add(term, id, stored.createdMs);
      if (stored.session.status !== 'open') tenant.dueAt.delete(id);
      return { kind: 'updated', record: copy(stored), previous: copy(current), ...(announced ? { announced } : {}) };
    },
    // The sandbox keeps sessions for its lifetime: nothing to trim.
    async trimIndex() {},
    async claimDueForExpiry(tenantId, nowSeconds, limit, claimUntilSeconds) {
      const ids = due(tenantId, nowSeconds)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([id]) => id);
      for (const id of ids) of(tenantId).dueAt.set(id, claimUntilSeconds);
      return ids;
    },
    async countDueForExpiry(tenantId, nowSeconds) {
      return due(tenantId, nowSeconds).length;
    },
    async retryExpiryAt(tenantId, id, atSeconds) {
      const dueAt = of(tenantId).dueAt;
      if (dueAt.has(id)) dueAt.set(id, atSeconds);
    },
    async dropFromExpiryIndex(tenantId, id) {
      of(tenantId).dueAt.delete(id);
    },
    async list(tenantId, query) {
      const tenant = of(tenantId);
      return listPage(
        tenant.indexes.source((ids) => ids.map((id) => tenant.records.get(id)).map((record) => record && copy(record))),
        query,
      );
    },
    // Nothing is stored before the indexes: the sandbox starts empty.
    buildIndexes: async () => true,
    async lockForUpdate(tenantId, id, token, leaseMs) {
      const locks = of(tenantId).locks;
      const held = locks.get(id);
      if (held && held.until > now()) return false;
      locks.set(id, { token, until: now() + leaseMs });
      return true;
    },
    async unlockForUpdate(tenantId, id, token) {
      const locks = of(tenantId).locks;
      if (locks.get(id)?.token === token) locks.delete(id);
    },
  };
}
