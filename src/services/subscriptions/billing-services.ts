import type { Logger } from '../../observability/logger';
import type { Stores } from '../../store/create-stores';
import type { TenantContext } from '../call-context';
import type { EventPublisher } from '../events/event-publisher';
import { createInvoiceService } from '../invoices/invoice-service';
import type { SubscriptionWebhookDeps } from '../loops-webhooks/subscription-webhooks';
import { DEFAULT_BILLING_CONTRACT, type BillingContract } from './billing-switch';
import { createCheckoutLink } from './checkout-link';
import { createBillingRenderer, type CustomerLookup } from './render-billing';
import { createSubscriptionFacts } from './subscription-facts';
import { createSubscriptionService } from './subscription-service';
import { createSubscriptionSweep } from './subscription-sweep';
import { createSubscriptionSync } from './subscription-sync';

export interface BillingServicesDeps {
  stores: Stores;
  publisher: EventPublisher;
  tenants: TenantContext[];
  now: () => number;
  logger: Logger;
  contract?: Partial<BillingContract>;
  customers?: CustomerLookup;
}

/**
 * Tenants that share a Loops account with no other tenant: what Loops shows them is theirs.
 * With a shared account, a subscription belongs to the tenant whose checkout made it
 * (subscription-facts.ts).
 */
export function soleUsersOfLoopsAccounts(tenants: TenantContext[]): (tenantId: string) => boolean {
  const accountOf = (tenant: TenantContext) => `${tenant.config.loops.apiBase}\n${tenant.config.loops.apiKey}`;
  const users = new Map<string, number>();
  for (const tenant of tenants) users.set(accountOf(tenant), (users.get(accountOf(tenant)) ?? 0) + 1);
  const sole = new Set(tenants.filter((tenant) => users.get(accountOf(tenant)) === 1).map((tenant) => tenant.config.id));
  return (tenantId) => sole.has(tenantId);
}

/** Subscriptions and invoices (docs/loops-contract.md §8; docs/stripe-billing-contract.md §6–§8, §10), built once for the container. */
export function createBillingServices(deps: BillingServicesDeps) {
  const contract: BillingContract = { ...DEFAULT_BILLING_CONTRACT, ...deps.contract };
  const store = deps.stores.subscriptions;
  const sync = createSubscriptionSync({
    store,
    facts: createSubscriptionFacts({
      sessions: deps.stores.sessions,
      mappings: deps.stores.mappings,
      ownsLoopsAccountAlone: soleUsersOfLoopsAccounts(deps.tenants),
    }),
    publisher: deps.publisher,
    tenants: new Map(deps.tenants.map((tenant) => [tenant.config.id, tenant])),
    now: deps.now,
  });
  const render = createBillingRenderer({ store, ...(deps.customers ? { customers: deps.customers } : {}) });
  const services = { store, sync, render, contract };
  const webhooks: SubscriptionWebhookDeps = { sync, store, contract };
  return {
    sync,
    /** What a subscription-mode checkout needs of the core (checkout-link.ts). */
    checkout: createCheckoutLink({ store, sync, render, contract }),
    subscriptions: createSubscriptionService(services),
    invoices: createInvoiceService(services),
    sweep: createSubscriptionSweep({ store, sync, tenants: deps.tenants, contract, now: deps.now, logger: deps.logger }),
    webhooks,
  };
}
