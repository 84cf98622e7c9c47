import type { IdempotencyStore } from './idempotency-store';
import { scanPage } from './list-scan';
import type { MemoryEventLog } from './memory-event-store';
import type { SessionRecord } from './session-record';
import type { ListPage, ListQuery } from './list-scan';
import type { SessionStore, UpdateResult } from './session-store';

/**
 * In-process sessions for the zero-config sandbox and unit tests; same ordering and semantics as
 * Redis. `update` records the event a transition announces in the event log with it, synchronously,
 * so nothing can run between the two (the Redis store does both in one script); given the
 * idempotency store, `insert` stores a session's idempotent answer with it.
 */
export function createMemorySessionStore(events: MemoryEventLog, idempotency?: IdempotencyStore): SessionStore {
  interface Tenant {
    records: Map<string, SessionRecord>;
    /** The sweep's index, as Redis keeps it: open sessions and when each is next due. */
    dueAt: Map<string, number>;
  }
  const tenants = new Map<string, Tenant>();
  const of = (tenantId: string) => {
    let tenant = tenants.get(tenantId);
    if (!tenant) tenants.set(tenantId, (tenant = { records: new Map(), dueAt: new Map() }));
    return tenant;
  };
  // Newest first; ties broken by id descending, as Redis ZREVRANGE orders equal scores.
  const ordered = (tenantId: string) =>
    [...of(tenantId).records.values()].sort((a, b) => b.createdMs - a.createdMs || (a.session.id < b.session.id ? 1 : -1));
  const copy = (record: SessionRecord): SessionRecord => structuredClone(record);

  return {
    async insert(record, answer) {
      const tenant = of(record.tenantId);
      tenant.records.set(record.session.id, copy(record));
      if (record.session.status === 'open') tenant.dueAt.set(record.session.id, record.session.expires_at);
      if (answer) await idempotency?.complete(record.tenantId, answer.key, answer.fingerprint, answer.response);
    },
    async get(tenantId, id) {
      const record = of(tenantId).records.get(id);
      return record && copy(record);
    },
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
      if (stored.session.status !== 'open') tenant.dueAt.delete(id);
      return { kind: 'updated', record: copy(stored), previous: copy(current), ...(announced ? { announced } : {}) };
    },
    // The sandbox keeps sessions for its lifetime: nothing to trim.
    async trimIndex() {},
    async dueForExpiry(tenantId, nowSeconds, limit) {
      return [...of(tenantId).dueAt.entries()]
        .filter(([, at]) => at <= nowSeconds)
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, limit)
        .map(([id]) => id);
    },
    async retryExpiryAt(tenantId, id, atSeconds) {
      const dueAt = of(tenantId).dueAt;
      if (dueAt.has(id)) dueAt.set(id, atSeconds);
    },
    async dropFromExpiryIndex(tenantId, id) {
      of(tenantId).dueAt.delete(id);
    },
    async list(tenantId, query: ListQuery<SessionRecord>): Promise<ListPage<SessionRecord>> {
      const index = ordered(tenantId);
      return scanPage(
        {
          rankOf: async (id) => {
            const rank = index.findIndex((r) => r.session.id === id);
            return rank === -1 ? undefined : rank;
          },
          range: async (start, stop) => index.slice(start, stop + 1).map(copy),
        },
        query,
      );
    },
  };
}
