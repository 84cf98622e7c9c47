import { hash } from 'node:crypto';
import type { IndexTerm } from './list-scan';

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
    /** A list index of sessions (session-indexes.ts); the value is a client's filter, so hashed. */
    sessionsBy: (term: IndexTerm) => `${base}:sessions:by:${term.field}:${digest(term.value)}`,
    /** Set once every session of the tenant is in its list indexes; until then lists walk every session. */
    sessionsIndexed: `${base}:sessions:indexed`,
    /** How far the build of the list indexes over sessions stored before them has got. */
    sessionsIndexBuild: `${base}:sessions:index-build`,
    /** Held while a metadata update talks to Loops and stores its change (one at a time per session). */
    sessionUpdateLock: (id: string) => `${base}:session:${id}:update-lock`,
    openByExpiry: `${base}:sessions:open-by-expiry`,
    // Keys are checked to be at most 255 characters first; Redis keys take any bytes.
    idempotency: (key: string) => `${base}:idem:${key}`,
    operation: (operationKey: string) => `${base}:operation:${operationKey}`,
    event: (id: string) => `${base}:event:${id}`,
    eventIndex: `${base}:events`,
    eventsBy: (term: IndexTerm) => `${base}:events:by:${term.field}:${digest(term.value)}`,
    /** The event types recorded in the last 30 days, for `type` wildcards. */
    eventTypes: `${base}:events:types`,
    eventsIndexed: `${base}:events:indexed`,
    eventsIndexBuild: `${base}:events:index-build`,
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
    /** The customer directory (store/customer-record.ts); ids are checked (`cus_…`) before they get here. */
    customer: (id: string) => `${base}:customer:${id}`,
    /** Live customers by creation time (ms), for list and search. */
    customerIndex: `${base}:customers`,
    /** Live customers with one exact email (list's `email`), and with one case-folded email (search). */
    customersByEmail: (email: string) => `${base}:customers:email:${digest(email)}`,
    customersByFoldedEmail: (foldedEmail: string) => `${base}:customers:email-folded:${digest(foldedEmail)}`,
  };
}

export type TenantKeys = ReturnType<typeof tenantKeys>;

/**
 * Free-form strings (event dedupe keys, Loops event ids, endpoint URLs, list filter values) become
 * fixed-length key parts. One-shot `hash`: a webhook event takes about a dozen of these (its
 * session's index terms twice, its event's, its Loops id twice, the endpoint), and a Hash object
 * each cost twice as much.
 */
export function digest(value: string): string {
  return hash('sha256', value, 'base64url');
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
