import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import type { IdempotencyStore } from './idempotency-store';
import { apiChangeIsNewer, MAX_TOMBSTONES, type AdhocProduct, type MappingStore } from './mapping-store';
import type { MemoryEventLog } from './memory-event-store';

/**
 * The sandbox's catalog; same semantics as Redis. `commit` checks the version and applies the
 * change and its events synchronously (nothing runs in between, as the Redis script guarantees);
 * given the idempotency store, it stores the request's answer with it.
 */
export function createMemoryMappingStore(events?: MemoryEventLog, idempotency?: IdempotencyStore, now: () => number = Date.now): MappingStore {
  interface Tenant {
    version: number;
    prices: Map<string, MappingEntry>;
    products: Map<string, ProductInfo>;
    tombstones: Map<string, number>;
    adhoc: Map<string, AdhocProduct>;
  }
  const tenants = new Map<string, Tenant>();
  const of = (tenantId: string): Tenant => {
    let tenant = tenants.get(tenantId);
    if (!tenant) tenants.set(tenantId, (tenant = { version: 0, prices: new Map(), products: new Map(), tombstones: new Map(), adhoc: new Map() }));
    return tenant;
  };
  const trimTombstones = (tenant: Tenant) => {
    const oldestFirst = [...tenant.tombstones].sort(([, a], [, b]) => a - b);
    for (const [id] of oldestFirst.slice(0, Math.max(0, oldestFirst.length - MAX_TOMBSTONES))) tenant.tombstones.delete(id);
  };

  return {
    getPrice: async (tenantId, id) => structuredClone(of(tenantId).prices.get(id)),
    getProduct: async (tenantId, id) => structuredClone(of(tenantId).products.get(id)),
    allPrices: async (tenantId) => structuredClone(Object.fromEntries(of(tenantId).prices)),
    catalogVersion: async (tenantId) => of(tenantId).version,
    async snapshot(tenantId) {
      const tenant = of(tenantId);
      return structuredClone({
        version: tenant.version,
        prices: Object.fromEntries(tenant.prices),
        products: Object.fromEntries(tenant.products),
        tombstones: Object.fromEntries(tenant.tombstones),
      });
    },
    async commit(tenantId, version, change) {
      const tenant = of(tenantId);
      if (tenant.version !== version) return false;
      for (const [id, entry] of Object.entries(change.prices ?? {})) tenant.prices.set(id, structuredClone(entry));
      for (const [id, info] of Object.entries(change.products ?? {})) {
        tenant.products.set(id, structuredClone(info));
        tenant.tombstones.delete(id);
      }
      for (const [id, at] of Object.entries(change.deletedProducts ?? {})) {
        tenant.products.delete(id);
        tenant.tombstones.set(id, at);
      }
      trimTombstones(tenant);
      const nowMs = now();
      (change.events ?? []).forEach((event, i) => events?.insert(tenantId, event, nowMs + i));
      tenant.version += 1;
      const answer = change.answer;
      if (answer) await idempotency?.complete(tenantId, answer.key, answer.fingerprint, answer.response);
      return true;
    },
    async replaceAt(tenantId, version, file, tombstones) {
      const tenant = of(tenantId);
      if (tenant.version !== version) return false;
      tenant.prices = new Map(Object.entries(structuredClone(file.prices)));
      tenant.products = new Map(Object.entries(structuredClone(file.products)));
      tenant.tombstones = new Map(Object.entries(tombstones));
      tenant.version += 1;
      return true;
    },
    async replaceAll(tenantId, file) {
      const tenant = of(tenantId);
      tenant.prices = new Map(Object.entries(structuredClone(file.prices)));
      tenant.products = new Map(Object.entries(structuredClone(file.products)));
      tenant.tombstones = new Map();
      tenant.version += 1;
    },
    async putEntries(tenantId, newPrices, newProducts) {
      const tenant = of(tenantId);
      const kept: string[] = [];
      for (const [id, entry] of Object.entries(newPrices)) {
        if (apiChangeIsNewer(tenant.prices.get(id), entry)) kept.push(id);
        else tenant.prices.set(id, structuredClone(entry));
      }
      for (const [id, info] of Object.entries(newProducts)) {
        const deletedAt = tenant.tombstones.get(id);
        if (
          apiChangeIsNewer(tenant.products.get(id), info) ||
          apiChangeIsNewer(deletedAt === undefined ? undefined : { apiRevision: deletedAt }, info)
        ) {
          kept.push(id);
        } else {
          tenant.products.set(id, structuredClone(info));
        }
      }
      tenant.version += 1;
      return kept;
    },
    getAdhoc: async (tenantId, hash) => structuredClone(of(tenantId).adhoc.get(hash)),
    async putAdhoc(tenantId, hash, product) {
      of(tenantId).adhoc.set(hash, structuredClone(product));
    },
  };
}
