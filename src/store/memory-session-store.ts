import type { IdempotencyStore } from './idempotency-store';
import { scanPage } from './list-scan';
import type { SessionRecord } from './session-record';
import type { ListPage, ListQuery } from './list-scan';
import type { SessionStore, UpdateResult } from './session-store';

/**
 * In-process sessions for the zero-config sandbox and unit tests; same ordering as Redis. Given
 * the idempotency store, `insert` stores a session's idempotent answer with it, as Redis does.
 */
export function createMemorySessionStore(idempotency?: IdempotencyStore): SessionStore {
  const tenants = new Map<string, Map<string, SessionRecord>>();
  const sessionsOf = (tenantId: string) => {
    let sessions = tenants.get(tenantId);
    if (!sessions) tenants.set(tenantId, (sessions = new Map()));
    return sessions;
  };
  // Newest first; ties broken by id descending, as Redis ZREVRANGE orders equal scores.
  const ordered = (tenantId: string) =>
    [...sessionsOf(tenantId).values()].sort((a, b) => b.createdMs - a.createdMs || (a.session.id < b.session.id ? 1 : -1));
  const copy = (record: SessionRecord): SessionRecord => structuredClone(record);

  return {
    async insert(record, answer) {
      sessionsOf(record.tenantId).set(record.session.id, copy(record));
      if (answer) await idempotency?.complete(record.tenantId, answer.key, answer.fingerprint, answer.response);
    },
    async get(tenantId, id) {
      const record = sessionsOf(tenantId).get(id);
      return record && copy(record);
    },
    async update(tenantId, id, change): Promise<UpdateResult> {
      const current = sessionsOf(tenantId).get(id);
      if (!current) return { kind: 'missing' };
      const next = change(copy(current));
      if (!next) return { kind: 'unchanged', record: copy(current) };
      const stored = { ...copy(next), version: current.version + 1 };
      sessionsOf(tenantId).set(id, stored);
      return { kind: 'updated', record: copy(stored), previous: copy(current) };
    },
    // The sandbox keeps sessions for its lifetime: nothing to trim.
    async trimIndex() {},
    async dueForExpiry(tenantId, nowSeconds, limit) {
      return [...sessionsOf(tenantId).values()]
        .filter((r) => r.session.status === 'open' && r.session.expires_at <= nowSeconds)
        .sort((a, b) => a.session.expires_at - b.session.expires_at)
        .slice(0, limit)
        .map((r) => r.session.id);
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
