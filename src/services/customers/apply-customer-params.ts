import { GatewayError } from '../../errors';
import type { CustomerAddress, CustomerInvoiceSettings, StripeCustomer } from '../../stripe/objects/customer-object';
import type { CustomerWriteParams } from '../../stripe/params/customer-params';
import { METADATA_LIMITS } from '../../stripe/params/param-schemas';
import type { StoredCustomer } from '../../store/customer-record';

type Address = NonNullable<CustomerWriteParams['address']>;

/**
 * A customer with a create's or update's parameters applied (docs/stripe-billing-contract.md §3), as a
 * new object. `undefined` leaves a field as it is, `null` (an update's empty value) clears it;
 * hashes Stripe updates field by field (`address`, `invoice_settings`, `metadata`) merge, `shipping`
 * is replaced whole (its `name` and `address` are required). A create applies its parameters to
 * `buildCustomerObject`'s blank customer, so both paths share every rule.
 */
export function applyCustomerParams(current: StoredCustomer, params: CustomerWriteParams): StoredCustomer {
  const next = structuredClone(current) as StoredCustomer & Partial<StripeCustomer>;
  for (const field of ['email', 'name', 'phone', 'description'] as const) {
    const value = params[field];
    if (value !== undefined) next[field] = value;
  }
  for (const field of ['business_name', 'individual_name'] as const) {
    const value = params[field];
    // Omittable fields: absent when not set, as Stripe renders them.
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  if (params.address !== undefined) next.address = params.address === null ? null : mergeAddress(next.address ?? null, params.address);
  if (params.shipping !== undefined) {
    next.shipping =
      params.shipping === null
        ? null
        : { name: params.shipping.name, address: mergeAddress(null, params.shipping.address), phone: params.shipping.phone ?? null };
  }
  if (params.preferred_locales !== undefined) next.preferred_locales = params.preferred_locales ?? [];
  if (params.tax_exempt !== undefined) next.tax_exempt = params.tax_exempt ?? 'none';
  if (params.invoice_prefix !== undefined) next.invoice_prefix = params.invoice_prefix;
  if (params.next_invoice_sequence !== undefined) next.next_invoice_sequence = params.next_invoice_sequence;
  if (params.invoice_settings !== undefined) next.invoice_settings = mergeInvoiceSettings(next.invoice_settings, params.invoice_settings);
  if (params.metadata !== undefined) next.metadata = mergeMetadata(next.metadata, params.metadata);
  return next;
}

function mergeAddress(current: CustomerAddress | null, change: Address): CustomerAddress {
  const base: CustomerAddress = current ?? { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
  const merged = { ...base };
  for (const field of Object.keys(base) as (keyof CustomerAddress)[]) {
    const value = change[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

function mergeInvoiceSettings(
  current: CustomerInvoiceSettings | undefined,
  change: NonNullable<CustomerWriteParams['invoice_settings']>,
): CustomerInvoiceSettings {
  const merged: CustomerInvoiceSettings = current ?? { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null };
  if (change.custom_fields !== undefined) merged.custom_fields = change.custom_fields;
  if (change.footer !== undefined) merged.footer = change.footer;
  if (change.rendering_options === null) merged.rendering_options = null;
  else if (change.rendering_options !== undefined) {
    const options = merged.rendering_options ?? { amount_tax_display: null, template: null };
    merged.rendering_options = {
      amount_tax_display:
        change.rendering_options.amount_tax_display === undefined ? options.amount_tax_display : change.rendering_options.amount_tax_display,
      template: change.rendering_options.template ?? options.template,
    };
  }
  return merged;
}

/** Stripe metadata update: `metadata=` clears all, `metadata[k]=` removes k, others set; 50 keys at most after. */
export function mergeMetadata(current: Record<string, string>, change: Record<string, string> | ''): Record<string, string> {
  const merged = change === '' ? {} : { ...current };
  for (const [key, value] of Object.entries(change === '' ? {} : change)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > METADATA_LIMITS.maxKeys) {
    throw new GatewayError('parameter_invalid', `Invalid metadata: metadata can have at most ${METADATA_LIMITS.maxKeys} keys.`, 'metadata');
  }
  return merged;
}
