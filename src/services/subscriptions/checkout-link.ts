import { billingModeFor } from '../../stripe/billing-versions';
import type { CheckoutSubscriptions } from '../checkout-sessions/checkout-subscriptions';
import type { BillingContract } from './billing-switch';
import type { BillingRenderer } from './render-billing';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { SubscriptionSync } from './subscription-sync';

type Rendered = Record<string, unknown>;

/**
 * The subscription core as a subscription-mode checkout sees it (checkout-subscriptions.ts): at
 * completion the subscription is brought in through the one sync every path uses (so its
 * `customer.subscription.created` and first invoice events are recorded before the session's
 * `checkout.session.completed`, docs/stripe-billing-contract.md §10.1 A), with the customer the checkout
 * made and the billing mode of the request that created the session; `expand[]=subscription`
 * renders the stored subscription in the request's version.
 */
export function createCheckoutLink(deps: {
  store: SubscriptionStore;
  sync: SubscriptionSync;
  render: BillingRenderer;
  contract: BillingContract;
}): CheckoutSubscriptions {
  return {
    async firstInvoiceId(tenant, subscriptionId, link, logger) {
      if (!deps.contract.subscriptions) return null;
      const tenantId = tenant.config.id;
      await deps.sync.syncFromLoops(tenantId, subscriptionId, { source: 'checkout' }, logger, {
        ...(link.customer ? { customer: link.customer } : {}),
        ...(link.stripeVersion ? { billingMode: billingModeFor(link.stripeVersion) } : {}),
      });
      return deps.sync.firstInvoiceId(tenantId, subscriptionId);
    },
    async forExpansion(call, ids) {
      const found = new Map<string, Rendered>();
      if (!deps.contract.subscriptions) return found;
      const tenantId = call.tenant.config.id;
      for (const id of new Set(ids)) {
        // A session's subscription is stored by its completion; one that is not (completed before
        // this gateway had subscriptions) is brought in by this read, as a retrieve would.
        const record = (await deps.store.get(tenantId, id)) ?? (await deps.sync.syncFromLoops(tenantId, id, { source: 'retrieve' }, call.logger));
        if (record)
          found.set(id, await deps.render.subscription(record, { customer: false, latestInvoice: null, itemProducts: false }, call.stripeVersion));
      }
      return found;
    },
  };
}
