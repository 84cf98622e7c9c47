/**
 * `billing_portal.session` (docs/stripe-billing-contract.md §9.1; stripe-node 23.1.0
 * `BillingPortal.Session`; test/fixtures/billing_portal.session.json): every field, nulls included.
 * The id and `url` are Loops' portal session's (docs/loops-contract.md §8.2), so the merchant redirects the
 * customer straight to Loops' page. `flow` is null: Loops' portal has no deep links.
 */
export interface PortalSessionFacts {
  id: string;
  url: string;
  configuration: string;
  created: number;
  customer: string;
  livemode: boolean;
  locale: string | null;
  returnUrl: string;
}

export function buildPortalSessionObject(facts: PortalSessionFacts) {
  return {
    id: facts.id,
    object: 'billing_portal.session' as const,
    configuration: facts.configuration,
    created: facts.created,
    customer: facts.customer,
    customer_account: null,
    flow: null,
    livemode: facts.livemode,
    locale: facts.locale,
    on_behalf_of: null,
    return_url: facts.returnUrl,
    url: facts.url,
  };
}
