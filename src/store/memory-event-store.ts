import { eventScore, eventTerm } from './event-indexes';
import { loopsEventDone, type EventStore, type LoopsEventRecord, type StoredEvent } from './event-store';
import { listPage } from './list-scan';
import { MemoryIndexes } from './sorted-index';

/**
 * What the in-memory session store needs to record a transition's event in the same step as the
 * session (see SessionStore.update): a synchronous write, so nothing runs in between.
 */
export interface MemoryEventLog {
  /** `createdMs` orders events recorded in one step (a catalog change's), as their Redis scores do. */
  insert(tenantId: string, event: StoredEvent, createdMs?: number): void;
}

/** The sandbox's event log; same semantics as Redis, nothing survives a restart. */
export function createMemoryEventStore(now: () => number = Date.now): EventStore & MemoryEventLog {
  interface Entry {
    event: StoredEvent;
    createdMs: number;
    /** Endpoints that answered 2xx. */
    deliveredTo: Set<string>;
  }
  interface Tenant {
    events: Map<string, Entry>;
    once: Map<string, string>;
    outbox: Map<string, number>;
    loopsEvents: Map<string, LoopsEventRecord>;
    /** The list indexes, as Redis keeps them (event-indexes.ts). */
    indexes: MemoryIndexes;
    /** Recorded types, for `type` wildcards. */
    types: Set<string>;
  }
  const tenants = new Map<string, Tenant>();
  const of = (tenantId: string): Tenant => {
    let tenant = tenants.get(tenantId);
    if (!tenant)
      tenants.set(
        tenantId,
        (tenant = { events: new Map(), once: new Map(), outbox: new Map(), loopsEvents: new Map(), indexes: new MemoryIndexes(), types: new Set() }),
      );
    return tenant;
  };
  /** As read: pending counts the endpoints without a 2xx yet, as in Redis. */
  const read = (entry: Entry): StoredEvent => {
    const event = structuredClone(entry.event);
    event.pending_webhooks = Math.max(0, event.pending_webhooks - entry.deliveredTo.size);
    return event;
  };
  const insert = (tenantId: string, event: StoredEvent, recordedMs = now()) => {
    const tenant = of(tenantId);
    const createdMs = eventScore(event, recordedMs);
    tenant.events.set(event.id, { event: structuredClone(event), createdMs, deliveredTo: new Set() });
    tenant.outbox.set(event.id, createdMs);
    tenant.indexes.main.add(event.id, createdMs);
    tenant.indexes.add(eventTerm.type(event.type), event.id, createdMs);
    tenant.indexes.add(eventTerm.delivery(event.pending_webhooks === 0), event.id, createdMs);
    tenant.types.add(event.type);
  };

  return {
    insert,
    async record(tenantId, event, dedupeKey) {
      const tenant = of(tenantId);
      const holder = tenant.once.get(dedupeKey);
      const earlier = holder === undefined ? undefined : tenant.events.get(holder);
      if (earlier) return { event: read(earlier), created: false };
      tenant.once.set(dedupeKey, event.id);
      insert(tenantId, event);
      return { event: structuredClone(event), created: true };
    },
    async get(tenantId, id) {
      const found = of(tenantId).events.get(id);
      return found && read(found);
    },
    async list(tenantId, query) {
      const tenant = of(tenantId);
      return listPage(
        tenant.indexes.source((ids) => ids.map((id) => tenant.events.get(id)).map((entry) => entry && read(entry))),
        query,
      );
    },
    async types(tenantId) {
      return [...of(tenantId).types];
    },
    // Nothing is stored before the indexes: the sandbox starts empty.
    buildIndexes: async () => true,
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
    async delivered(tenantId, eventId, endpointUrl) {
      const tenant = of(tenantId);
      const entry = tenant.events.get(eventId);
      if (!entry) return;
      entry.deliveredTo.add(endpointUrl);
      if (entry.deliveredTo.size < entry.event.pending_webhooks) return;
      tenant.indexes.remove(eventTerm.delivery(false), eventId);
      tenant.indexes.add(eventTerm.delivery(true), eventId, entry.createdMs);
    },
    async deliveredEndpoints(tenantId, eventId, endpointUrls) {
      const deliveredTo = of(tenantId).events.get(eventId)?.deliveredTo;
      return endpointUrls.filter((url) => deliveredTo?.has(url) ?? false);
    },
    async loopsEventHandled(tenantId, loopsEventId) {
      const record = of(tenantId).loopsEvents.get(loopsEventId);
      return record !== undefined && loopsEventDone(record);
    },
    async recordLoopsEvent(tenantId, loopsEventId, record) {
      of(tenantId).loopsEvents.set(loopsEventId, structuredClone(record));
    },
    async loopsEvent(tenantId, loopsEventId) {
      const record = of(tenantId).loopsEvents.get(loopsEventId);
      return record && structuredClone(record);
    },
  };
}
