import { createHash } from 'node:crypto';

/**
 * Every Redis key the gateway writes, in one place. A tenant's keys carry its id in a hash tag
 * (`{tenant}`) so that keys used together (a session and its index, an event and the event list)
 * share a Redis Cluster slot and MULTI/Lua across them stays legal.
 */
export function tenantKeys(prefix: string, tenantId: string) {
  const base = `${prefix}:{${tenantId}}`;
  return {
    session: (id: string) => `${base}:session:${id}`,
    sessionIndex: `${base}:sessions`,
    openByExpiry: `${base}:sessions:open-by-expiry`,
    // Keys are checked to be at most 255 characters first; Redis keys take any bytes.
    idempotency: (key: string) => `${base}:idem:${key}`,
    operation: (operationKey: string) => `${base}:operation:${operationKey}`,
    event: (id: string) => `${base}:event:${id}`,
    eventIndex: `${base}:events`,
    eventOnce: (dedupeKey: string) => `${base}:event-once:${digest(dedupeKey)}`,
    eventOutbox: `${base}:events:outbox`,
    /** The endpoints that answered 2xx for an event (digests); expires with the event. */
    eventDeliveredTo: (id: string) => `${base}:event:${id}:delivered`,
    loopsEvent: (id: string) => `${base}:loops-event:${digest(id)}`,
    mappings: `${base}:mappings:prices`,
    products: `${base}:mappings:products`,
    /** Bumped by every write of the catalog (prices, products): readers revalidate caches by it. */
    catalogVersion: `${base}:mappings:version`,
    /** Products deleted through the API (id → ms), so a file load does not bring them back. */
    catalogTombstones: `${base}:mappings:deleted-products`,
    adhocPrices: `${base}:adhoc-prices`,
    lock: (name: string) => `${base}:lock:${name}`,
  };
}

export type TenantKeys = ReturnType<typeof tenantKeys>;

/** Free-form strings (event dedupe keys, Loops event ids, endpoint URLs) become fixed-length key parts. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** One key namespace per tenant, built once: the hot path asks for it several times per request. */
export function tenantKeysCache(prefix: string): (tenantId: string) => TenantKeys {
  const byTenant = new Map<string, TenantKeys>();
  return (tenantId) => {
    let keys = byTenant.get(tenantId);
    if (!keys) byTenant.set(tenantId, (keys = tenantKeys(prefix, tenantId)));
    return keys;
  };
}
