import { GatewayError } from '../../errors';

/**
 * `expand[]` of subscriptions and invoices (docs/stripe-billing-contract.md §6, §8; docs/migrating.md "What real Checkout apps call":
 * `items.data.price.product`, `default_payment_method`, `latest_invoice`, `customer`,
 * `confirmation_secret`, `data.…` on lists). Paths are checked against a fixed set, never used to
 * walk an object: an id field Loops has no object for stays null when expanded, as Stripe leaves
 * a null reference null.
 */
export interface InvoiceExpansion {
  customer: boolean;
  /** `subscription` (before basil) or `parent.subscription_details.subscription` (basil on). */
  subscription: boolean;
  /** `payments` (basil; expand only). */
  payments: boolean;
  /** `confirmation_secret` (basil; expand only): always null, Loops charges automatically. */
  confirmationSecret: boolean;
  /** `charge` (before basil). */
  charge: boolean;
  /** `lines.data.price.product` (before basil). */
  lineProducts: boolean;
}

export interface SubscriptionExpansion {
  customer: boolean;
  latestInvoice: InvoiceExpansion | null;
  /** `items.data.price.product` / `items.data.plan.product`. */
  itemProducts: boolean;
}

/** Stripe caps expansion at four levels (docs/stripe-checkout-contract.md §3.4). */
const MAX_DEPTH = 4;

/** Expandable fields that are null on every gateway object: expanding them changes nothing. */
const SUBSCRIPTION_NULL_REFERENCES = new Set([
  'application',
  'customer_account',
  'default_payment_method',
  'default_source',
  'default_tax_rates',
  'discounts',
  'items.data.discounts',
  'items.data.price',
  'items.data.tax_rates',
  'on_behalf_of',
  'pending_setup_intent',
  'pending_update',
  'schedule',
  'test_clock',
  'transfer_data.destination',
]);

const INVOICE_NULL_REFERENCES = new Set([
  'account_tax_ids',
  'application',
  'customer_account',
  'default_payment_method',
  'default_source',
  'default_tax_rates',
  'discounts',
  'from_invoice.invoice',
  'latest_revision',
  'lines.data.discounts',
  'lines.data.price',
  'lines.data.tax_rates',
  'on_behalf_of',
  'payment_intent',
  'test_clock',
  'total_discount_amounts.discount',
]);

const noInvoiceExpansion = (): InvoiceExpansion => ({
  customer: false,
  subscription: false,
  payments: false,
  confirmationSecret: false,
  charge: false,
  lineProducts: false,
});

/** Splits `data.` off list paths and checks the depth; returns the path within the object. */
function relativePaths(paths: string[] | undefined, inList: boolean): string[] {
  return (paths ?? []).map((path) => {
    if (path.split('.').length > MAX_DEPTH)
      throw new GatewayError('parameter_invalid', `You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`, 'expand');
    if (!inList) return path;
    if (!path.startsWith('data.')) throw cannotExpand(path);
    return path.slice('data.'.length);
  });
}

function applyInvoicePath(expansion: InvoiceExpansion, path: string, shown: string): void {
  if (path === 'customer') expansion.customer = true;
  else if (path === 'subscription' || path === 'parent.subscription_details.subscription') expansion.subscription = true;
  else if (path === 'payments') expansion.payments = true;
  else if (path === 'confirmation_secret') expansion.confirmationSecret = true;
  else if (path === 'charge') expansion.charge = true;
  else if (path === 'lines.data.price.product') expansion.lineProducts = true;
  else if (!INVOICE_NULL_REFERENCES.has(path)) throw cannotExpand(shown);
}

export function parseInvoiceExpand(paths: string[] | undefined, inList: boolean): InvoiceExpansion {
  const expansion = noInvoiceExpansion();
  for (const path of relativePaths(paths, inList)) applyInvoicePath(expansion, path, path);
  return expansion;
}

export function parseSubscriptionExpand(paths: string[] | undefined, inList: boolean): SubscriptionExpansion {
  const expansion: SubscriptionExpansion = { customer: false, latestInvoice: null, itemProducts: false };
  for (const path of relativePaths(paths, inList)) {
    if (path === 'customer') expansion.customer = true;
    else if (path === 'items.data.price.product' || path === 'items.data.plan.product') expansion.itemProducts = true;
    else if (path === 'latest_invoice' || path.startsWith('latest_invoice.')) {
      expansion.latestInvoice ??= noInvoiceExpansion();
      if (path !== 'latest_invoice') applyInvoicePath(expansion.latestInvoice, path.slice('latest_invoice.'.length), path);
    } else if (!SUBSCRIPTION_NULL_REFERENCES.has(path)) throw cannotExpand(path);
  }
  return expansion;
}

function cannotExpand(path: string): GatewayError {
  return new GatewayError('parameter_invalid', `This property cannot be expanded (${path}).`, 'expand');
}
