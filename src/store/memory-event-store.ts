import type { EventStore, LoopsEventRecord, StoredEvent } from './event-store';
import { scanPage } from './list-scan';

/** The sandbox's event log; same semantics as Redis, nothing survives a restart. */
export function createMemoryEventStore(now: () => number = Date.now): EventStore {
  interface Tenant {
    events: Map<string, { event: StoredEvent; createdMs: number }>;
    once: Map<string, string>;
    outbox: Map<string, number>;
    loopsEvents: Map<string, LoopsEventRecord>;
  }
  const tenants = new Map<string, Tenant>();
  const of = (tenantId: string): Tenant => {
    let tenant = tenants.get(tenantId);
    if (!tenant) tenants.set(tenantId, (tenant = { events: new Map(), once: new Map(), outbox: new Map(), loopsEvents: new Map() }));
    return tenant;
  };
  const copy = (event: StoredEvent) => structuredClone(event);
  const ordered = (tenant: Tenant) => [...tenant.events.values()].sort((a, b) => b.createdMs - a.createdMs || (a.event.id < b.event.id ? 1 : -1));

  return {
    async record(tenantId, event, dedupeKey) {
      const tenant = of(tenantId);
      const holder = tenant.once.get(dedupeKey);
      const earlier = holder === undefined ? undefined : tenant.events.get(holder);
      if (earlier) return { event: copy(earlier.event), created: false };
      const createdMs = now();
      tenant.once.set(dedupeKey, event.id);
      tenant.events.set(event.id, { event: copy(event), createdMs });
      tenant.outbox.set(event.id, createdMs);
      return { event: copy(event), created: true };
    },
    async get(tenantId, id) {
      const found = of(tenantId).events.get(id);
      return found && copy(found.event);
    },
    async list(tenantId, query) {
      const index = ordered(of(tenantId));
      return scanPage(
        {
          rankOf: async (id) => {
            const rank = index.findIndex((entry) => entry.event.id === id);
            return rank === -1 ? undefined : rank;
          },
          range: async (start, stop) => index.slice(start, stop + 1).map((entry) => copy(entry.event)),
        },
        query,
      );
    },
    async outbox(tenantId, beforeMs, limit) {
      return [...of(tenantId).outbox.entries()]
        .filter(([, at]) => at <= beforeMs)
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
        .map(([id]) => id);
    },
    async leaveOutbox(tenantId, eventId) {
      of(tenantId).outbox.delete(eventId);
    },
    async delivered(tenantId, eventId) {
      const found = of(tenantId).events.get(eventId);
      if (found) found.event.pending_webhooks = Math.max(0, found.event.pending_webhooks - 1);
    },
    async loopsEventHandled(tenantId, loopsEventId) {
      return of(tenantId).loopsEvents.has(loopsEventId);
    },
    async markLoopsEventHandled(tenantId, loopsEventId, record) {
      of(tenantId).loopsEvents.set(loopsEventId, structuredClone(record));
    },
    async loopsEvent(tenantId, loopsEventId) {
      const record = of(tenantId).loopsEvents.get(loopsEventId);
      return record && structuredClone(record);
    },
  };
}
