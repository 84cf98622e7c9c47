import { digest } from './keys';

/**
 * The Redis keys of subscriptions and invoices. They carry the tenant's hash tag exactly as
 * keys.ts builds it (`<prefix>:{<tenant>}:…`), so a subscription, its invoices, its indexes and
 * the events recorded with them share a Redis Cluster slot and one Lua script may write them all.
 * Ids are checked (`sub_…`, `in_…`) before they get here; customer and price ids are client
 * values, so they go in as digests.
 */
export function subscriptionKeys(prefix: string, tenantId: string) {
  const base = `${prefix}:{${tenantId}}`;
  return {
    subscription: (id: string) => `${base}:subscription:${id}`,
    /** Every subscription, by `created` (ms). */
    subscriptions: `${base}:subscriptions`,
    /** Not canceled: Stripe's default list (docs/stripe-billing-contract.md §0.5). */
    subscriptionsLive: `${base}:subscriptions:live`,
    subscriptionsByStatus: (status: string) => `${base}:subscriptions:status:${status}`,
    subscriptionsByCustomer: (customer: string) => `${base}:subscriptions:customer:${digest(customer)}`,
    subscriptionsByPrice: (price: string) => `${base}:subscriptions:price:${digest(price)}`,
    /** Live subscriptions by the unix second the sweep should read Loops about them. */
    subscriptionsDue: `${base}:subscriptions:due`,
    invoice: (id: string) => `${base}:invoice:${id}`,
    invoices: `${base}:invoices`,
    invoicesByStatus: (status: string) => `${base}:invoices:status:${status}`,
    invoicesByCustomer: (customer: string) => `${base}:invoices:customer:${digest(customer)}`,
    invoicesBySubscription: (subscription: string) => `${base}:invoices:subscription:${digest(subscription)}`,
  };
}

export type SubscriptionKeys = ReturnType<typeof subscriptionKeys>;

export function subscriptionKeysCache(prefix: string): (tenantId: string) => SubscriptionKeys {
  const byTenant = new Map<string, SubscriptionKeys>();
  return (tenantId) => {
    let keys = byTenant.get(tenantId);
    if (!keys) byTenant.set(tenantId, (keys = subscriptionKeys(prefix, tenantId)));
    return keys;
  };
}
