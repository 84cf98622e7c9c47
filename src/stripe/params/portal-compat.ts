import type { ParamTreatment } from './create-session-compat';
import type { ParamValue } from './param-bag';

const disabled = (value: ParamValue) => typeof value === 'object' && !Array.isArray(value) && value.enabled === 'false';

/**
 * `POST /v1/billing_portal/sessions` (docs/stripe-billing-contract.md §9.1): a Loops customer-portal
 * session (docs/loops-contract.md §8.2), whose page lists the customer's subscriptions with cancel at
 * period end, resume and cancel now. What would open another page than that one is refused, naming
 * the parameter. README.md and docs/compatibility.md are generated from this table (`npm run docs`).
 */
export const PORTAL_SESSION_PARAMS: Record<string, ParamTreatment> = {
  customer: {
    treatment: 'translated',
    note: "a customer of the tenant's directory (else 400 `resource_missing` on `customer`); sent to Loops as `externalCustomerId`, the id its subscriptions carry.",
  },
  return_url: {
    treatment: 'translated',
    note: "sent to Loops as `returnUrl` (the portal's link back). Loops requires one: without it the configuration's `default_return_url` is used, else a 400 names `return_url`.",
  },
  configuration: {
    treatment: 'translated',
    note: "a configuration of the tenant (else 400 `resource_missing`); default: the tenant's default configuration. One whose features Loops' portal does not match is refused with a 400 naming `configuration` and the features (see Billing portal configurations).",
  },
  locale: { treatment: 'stored', note: 'echoed; Loops’ portal page chooses its own language.' },
  expand: { treatment: 'applied', note: '`configuration` expands to the configuration object.' },
  flow_data: {
    treatment: 'rejected',
    note: "Loops' portal has no deep links (update, cancel-confirm, pause or payment-method flows): it always opens on the customer's subscriptions.",
  },
  after_expiration: { treatment: 'rejected', note: "Loops' portal sessions end after an hour with no customer login to fall back to." },
  on_behalf_of: { treatment: 'rejected', note: 'Connect accounts do not exist on Loops.' },
  customer_account: { treatment: 'rejected', note: 'Stripe v2 accounts do not exist on Loops; use `customer`.' },
};

/**
 * `POST /v1/billing_portal/configurations[/:id]` (§9.2). Loops' portal is configured in Loops, not
 * through this API: these objects are kept by the gateway, per tenant, for merchant code that
 * creates, lists and names them, and portal sessions refuse a configuration Loops' portal does not
 * match (translate/portal-features.ts).
 */
export const PORTAL_CONFIGURATION_PARAMS: Record<string, ParamTreatment> = {
  features: {
    treatment: 'stored',
    note: "required on create, each feature with `enabled` (as in Stripe); stored and echoed. A portal session accepts the configuration only where Loops' portal matches it: `subscription_cancel` enabled (either `mode`, `proration_behavior: none`, no `cancellation_reason`) and every other feature off.",
  },
  business_profile: { treatment: 'stored', note: 'stored and echoed (Loops’ portal shows the business set up in Loops).' },
  default_return_url: { treatment: 'stored', note: 'stored and echoed; a portal session without `return_url` uses it.' },
  metadata: { treatment: 'stored', note: 'stored and echoed; on update `metadata[k]=` removes a key and `metadata=` all.' },
  name: { treatment: 'stored', note: 'stored and echoed.' },
  active: {
    treatment: 'stored',
    note: '(update) stored and echoed; an inactive configuration is refused by portal sessions. The default configuration cannot be deactivated.',
  },
  expand: { treatment: 'applied', note: 'accepted; a configuration has no expandable field the gateway fills (`application` is null).' },
  login_page: {
    treatment: 'rejected',
    accepts: disabled,
    note: '`enabled=false` is accepted; Loops’ portal has no login page: a session is made for one customer by the merchant.',
  },
};
