import { createHash } from 'node:crypto';
import { DEFAULT_STRIPE_VERSION, hasCustomerBusinessNames } from '../api-version';
import { buildListObject } from './list-object';

/**
 * A new `customer` with every field the 23.1.0 type and the fixture always carry, nulls included
 * (docs/stripe-billing-contract.md §3; test/fixtures/customer.json). Values the gateway has no source
 * for take what Stripe shows for a customer without them: no balance, no currency until a first
 * subscription or invoice, not delinquent, no discount or test clock. Omittable fields
 * (`business_name`, `individual_name`) are present only when set; expand-only ones
 * (`subscriptions`, `sources`, `tax_ids`, …) only when expanded (renderCustomer).
 */
export function buildCustomerObject(facts: { id: string; created: number; livemode: boolean }) {
  return {
    id: facts.id,
    object: 'customer' as const,
    address: null as CustomerAddress | null,
    balance: 0,
    created: facts.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null as string | null,
    discount: null,
    email: null as string | null,
    invoice_prefix: invoicePrefix(facts.id),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null } as CustomerInvoiceSettings,
    livemode: facts.livemode,
    metadata: {} as Record<string, string>,
    name: null as string | null,
    next_invoice_sequence: 1,
    phone: null as string | null,
    preferred_locales: [] as string[],
    shipping: null as CustomerShipping | null,
    tax_exempt: 'none' as TaxExempt,
    test_clock: null,
  };
}

export type StripeCustomer = ReturnType<typeof buildCustomerObject> & { business_name?: string; individual_name?: string };

export interface CustomerAddress {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
}

export interface CustomerShipping {
  address: CustomerAddress;
  name: string;
  phone: string | null;
}

export interface CustomerInvoiceSettings {
  custom_fields: { name: string; value: string }[] | null;
  default_payment_method: null;
  footer: string | null;
  rendering_options: { amount_tax_display: string | null; template: string | null } | null;
}

export type TaxExempt = 'none' | 'exempt' | 'reverse';

/** Stripe gives each customer a random upper-case prefix for its invoice numbers; here it derives from the id. */
function invoicePrefix(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8).toUpperCase();
}

/** Expand-only lists the gateway can answer truthfully: it never holds sources or tax ids (their params are refused). */
export type CustomerListExpansion = 'sources' | 'tax_ids';

/**
 * The customer as Stripe returns it in `stripeVersion` (docs/stripe-billing-contract.md §12): the
 * clover+ `business_name`/`individual_name` are left out of earlier versions. A deleted customer
 * is its stub, `{id, object, deleted: true}`, in every version.
 */
export function renderCustomer(
  customer: Record<string, unknown> & { id: string },
  stripeVersion = DEFAULT_STRIPE_VERSION,
  expansions: readonly CustomerListExpansion[] = [],
): Record<string, unknown> {
  if (customer.deleted === true) return { ...customer };
  const rendered: Record<string, unknown> = { ...customer };
  if (!hasCustomerBusinessNames(stripeVersion)) {
    delete rendered.business_name;
    delete rendered.individual_name;
  }
  for (const field of expansions) rendered[field] = buildListObject(`/v1/customers/${customer.id}/${field}`, [], false);
  return rendered;
}
