import { GatewayError } from '../errors';
import type { CustomerListExpansion } from './objects/customer-object';

/** `x-expandableFields` of checkout.session in Stripe's spec (docs/stripe-checkout-contract.md §3.4). */
const SESSION_EXPANDABLE = new Set([
  'adaptive_pricing',
  'after_expiration',
  'automatic_tax',
  'branding_settings',
  'collected_information',
  'consent',
  'consent_collection',
  'currency_conversion',
  'custom_fields',
  'custom_text',
  'customer',
  'customer_details',
  'discounts',
  'invoice',
  'invoice_creation',
  'line_items',
  'managed_payments',
  'name_collection',
  'optional_items',
  'payment_intent',
  'payment_link',
  'payment_method_configuration_details',
  'payment_method_options',
  'permissions',
  'phone_number_collection',
  'presentment_details',
  'saved_payment_method_options',
  'setup_intent',
  'shipping_address_collection',
  'shipping_cost',
  'shipping_options',
  'subscription',
  'tax_id_collection',
  'total_details',
  'wallet_options',
]);

/** Fields holding the id of another Stripe object, which expansion would swap for the object. */
export const SESSION_ID_REFERENCES = ['customer', 'invoice', 'payment_intent', 'payment_link', 'setup_intent', 'subscription'] as const;
export type SessionIdReference = (typeof SESSION_ID_REFERENCES)[number];

const isSessionIdReference = (field: string): field is SessionIdReference => (SESSION_ID_REFERENCES as readonly string[]).includes(field);

export interface SessionExpansion {
  lineItems: boolean;
  lineItemProducts: boolean;
  /**
   * Id references asked for. Loops provides none of those objects, so a non-null one is rendered
   * as a stub in the object's shape (objects/reference-stubs.ts); null stays null.
   */
  references: SessionIdReference[];
}

/** Stripe caps expansion at four levels (docs/stripe-checkout-contract.md §3.4). */
const MAX_DEPTH = 4;

/** Reads `expand[]` for a session, or for each session of a list (`data.` prefix). */
export function parseSessionExpand(paths: string[] | undefined, inList: boolean): SessionExpansion {
  const expansion: SessionExpansion = { lineItems: false, lineItemProducts: false, references: [] };
  for (const path of paths ?? []) {
    const parts = path.split('.');
    if (parts.length > MAX_DEPTH)
      throw new GatewayError('parameter_invalid', `You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`, 'expand');
    if (inList && parts.shift() !== 'data') throw cannotExpand(path);
    const [field, ...rest] = parts;
    if (!field || !SESSION_EXPANDABLE.has(field)) throw cannotExpand(path);
    if (field === 'line_items') {
      const nested = rest.join('.');
      if (nested !== '' && nested !== 'data.price' && nested !== 'data.price.product') throw cannotExpand(path);
      expansion.lineItems = true;
      expansion.lineItemProducts ||= nested === 'data.price.product';
    } else if (isSessionIdReference(field)) {
      expansion.references.push(field);
    }
  }
  return expansion;
}

/** Line item lists expand `data.price.product` at most. */
export function parseLineItemExpand(paths: string[] | undefined): { products: boolean } {
  let products = false;
  for (const path of paths ?? []) {
    if (path === 'data.price') continue;
    if (path !== 'data.price.product') throw cannotExpand(path);
    products = true;
  }
  return { products };
}

/**
 * `expand[]` of a customer (or of each customer of a list or search, `data.` prefix), against the
 * customer's expandable fields in Stripe's spec (docs/stripe-billing-contract.md §3):
 * - `sources` and `tax_ids` are answered, as empty lists: the gateway never holds either (the
 *   parameters that would add them are refused);
 * - `default_source`, `invoice_settings.default_payment_method` and `test_clock` are always null
 *   here, and expanding null leaves null;
 * - `subscriptions`, `cash_balance`, `invoice_credit_balance` and `tax` are refused as unsupported:
 *   the gateway does not have them, and an empty answer would tell merchant code something false
 *   (a customer with no subscriptions).
 */
export function parseCustomerExpand(paths: string[] | undefined, inList: boolean): CustomerListExpansion[] {
  const lists = new Set<CustomerListExpansion>();
  for (const path of paths ?? []) {
    const parts = path.split('.');
    if (inList && parts.shift() !== 'data') throw cannotExpand(path);
    const field = parts.join('.');
    const head = parts[0] ?? '';
    if (field === 'sources' || field === 'tax_ids') lists.add(field);
    else if (CUSTOMER_UNSUPPORTED_EXPANSIONS.includes(head)) {
      // Also `subscriptions.data.plan` and the like.
      throw new GatewayError(
        'parameter_unsupported',
        `The gateway does not support expanding \`${head}\`: it keeps no ${head.replace(/_/g, ' ')} for customers.`,
        'expand',
      );
    } else if (!CUSTOMER_NULL_EXPANSIONS.includes(field)) throw cannotExpand(path);
  }
  return [...lists];
}

const CUSTOMER_NULL_EXPANSIONS = ['default_source', 'invoice_settings.default_payment_method', 'test_clock'];
const CUSTOMER_UNSUPPORTED_EXPANSIONS = ['subscriptions', 'cash_balance', 'invoice_credit_balance', 'tax'];

function cannotExpand(path: string): GatewayError {
  return new GatewayError('parameter_invalid', `This property cannot be expanded (${path}).`, 'expand');
}
