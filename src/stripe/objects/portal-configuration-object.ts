import { hasPortalSubscriptionPause } from '../api-version';

/**
 * `billing_portal.configuration` (docs/stripe-billing-contract.md §9.2; stripe-node 23.1.0
 * `BillingPortal.Configuration`; test/fixtures/billing_portal.configuration.json): every field,
 * nulls included. Stored in today's shape and rendered per request (`renderPortalConfiguration`).
 */
export interface PortalFeatures {
  customer_update: { allowed_updates: string[]; enabled: boolean };
  invoice_history: { enabled: boolean };
  payment_method_update: { enabled: boolean; payment_method_configuration: string | null };
  subscription_cancel: {
    cancellation_reason: { enabled: boolean; feedback_options?: string[] | null; options: string[] };
    enabled: boolean;
    mode: string;
    proration_behavior: string;
  };
  subscription_pause: { duration: { interval_options: { interval: string; interval_count: number }[]; type: string }; enabled: boolean };
  subscription_update: {
    billing_cycle_anchor: string | null;
    default_allowed_updates: string[];
    enabled: boolean;
    products?: { adjustable_quantity: { enabled: boolean; maximum: number | null; minimum: number }; prices: string[]; product: string }[] | null;
    proration_behavior: string;
    schedule_at_period_end: { conditions: { type: string }[] };
    trial_update_behavior: string;
  };
}

/** What a feature Stripe's create leaves out shows: off, with Stripe's defaults (the fixture's values). */
export function defaultPortalFeatures(): PortalFeatures {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: { cancellation_reason: { enabled: false, options: [] }, enabled: false, mode: 'at_period_end', proration_behavior: 'none' },
    subscription_pause: { duration: { interval_options: [], type: 'indefinite' }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  };
}

export interface PortalConfigurationFacts {
  id: string;
  created: number;
  livemode: boolean;
  isDefault: boolean;
  features?: PortalFeatures;
}

export function buildPortalConfigurationObject(facts: PortalConfigurationFacts) {
  return {
    id: facts.id,
    object: 'billing_portal.configuration' as const,
    active: true,
    application: null,
    business_profile: { headline: null as string | null, privacy_policy_url: null as string | null, terms_of_service_url: null as string | null },
    created: facts.created,
    default_return_url: null as string | null,
    features: facts.features ?? defaultPortalFeatures(),
    is_default: facts.isDefault,
    livemode: facts.livemode,
    login_page: { enabled: false, url: null },
    metadata: {} as Record<string, string>,
    name: null as string | null,
    updated: facts.created,
  };
}

export type StripePortalConfiguration = ReturnType<typeof buildPortalConfigurationObject>;

/** The configuration in a version: versions without `features.subscription_pause` do not show it. */
export function renderPortalConfiguration(configuration: StripePortalConfiguration, stripeVersion: string): Record<string, unknown> {
  if (hasPortalSubscriptionPause(stripeVersion)) return configuration;
  const { subscription_pause: _paused, ...features } = configuration.features;
  return { ...configuration, features };
}
