import type { InvoiceRecord, InvoiceStatus } from '../../store/subscription-record';
import { usesBasilBillingShapes } from '../billing-versions';
import { stableId } from '../ids';
import { buildPlanObject } from './plan-object';

export const invoiceLinesUrl = (id: string) => `/v1/invoices/${id}/lines`;

/** The line's id is stable per invoice: the invoice has exactly one line, its subscription item's. */
export const invoiceLineId = (invoice: InvoiceRecord) => stableId('il', invoice.id);

const TRIAL_DESCRIPTION = (name: string) => `Trial period for ${name}`;

/** `1 × Pro (at $9.00 / month)`, as Stripe describes a subscription line (docs/stripe-billing-contract.md §8). */
function lineDescription(invoice: InvoiceRecord): string {
  if (invoice.trial) return TRIAL_DESCRIPTION(invoice.productName);
  const unit = invoice.price.unit_amount ?? Math.round(invoice.amount / invoice.quantity);
  const interval = invoice.price.recurring?.interval ?? 'month';
  return `${invoice.quantity} × ${invoice.productName} (at ${formatMoney(unit, invoice.currency)} / ${interval})`;
}

function formatMoney(minor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}

/** The invoice's one line (§8 InvoiceLineItem) in basil+ shape: `pricing` and `parent` name price and item. */
export function buildInvoiceLineObject(invoice: InvoiceRecord) {
  const unitAmount = Math.round(invoice.amount / invoice.quantity);
  return {
    id: invoiceLineId(invoice),
    object: 'line_item' as const,
    amount: invoice.amount,
    currency: invoice.currency,
    description: lineDescription(invoice),
    discount_amounts: [] as unknown[],
    discountable: true,
    discounts: [] as string[],
    invoice: invoice.id,
    livemode: invoice.livemode,
    metadata: invoice.subscriptionMetadata,
    parent: {
      type: 'subscription_item_details' as const,
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: invoice.subscriptionId,
        subscription_item: invoice.itemId,
      },
    },
    period: { end: invoice.periodEnd, start: invoice.periodStart },
    pretax_credit_amounts: [] as unknown[],
    pricing: {
      type: 'price_details' as const,
      price_details: { price: invoice.price.id, product: invoice.price.product },
      unit_amount_decimal: String(unitAmount),
    },
    quantity: invoice.quantity,
    quantity_decimal: String(invoice.quantity),
    subscription: invoice.subscriptionId,
    subtotal: invoice.amount,
    taxes: [] as unknown[],
  };
}

/** What a finalized invoice has and a draft has not (§8.1: numbers are assigned at finalization). */
const finalized = (status: InvoiceStatus) => status !== 'draft';

/**
 * Stripe's `invoice` (docs/stripe-billing-contract.md §8; test/fixtures/invoice.json) in the default
 * version's shape. One line, the subscription's item for one period; no tax, discount, credit or
 * shipping; `hosted_invoice_url` and `invoice_pdf` null (Loops makes neither). `status` may be
 * overridden to show an event's snapshot (`invoice.created` shows the draft it was).
 */
export function buildInvoiceObject(invoice: InvoiceRecord, status: InvoiceStatus = invoice.status) {
  const paid = status === 'paid';
  const attempts = invoice.failedCharges.length + (paid && invoice.amount > 0 ? 1 : 0);
  const amountPaid = paid ? invoice.amount : 0;
  return {
    id: invoice.id,
    object: 'invoice' as const,
    account_country: null,
    account_name: null,
    account_tax_ids: null,
    amount_due: invoice.amount,
    amount_overpaid: 0,
    amount_paid: amountPaid,
    amount_remaining: invoice.amount - amountPaid,
    amount_shipping: 0,
    application: null,
    attempt_count: attempts,
    attempted: finalized(status),
    auto_advance: status === 'open' || status === 'draft',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: invoice.billingReason,
    collection_method: 'charge_automatically' as const,
    created: invoice.created,
    currency: invoice.currency,
    custom_fields: null,
    customer: invoice.customer,
    customer_account: null,
    customer_address: null,
    customer_email: invoice.customerEmail,
    customer_name: null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none' as const,
    customer_tax_ids: [] as unknown[],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [] as unknown[],
    description: null,
    discounts: [] as string[],
    due_date: null,
    effective_at: finalized(status) ? invoice.created : null,
    ending_balance: finalized(status) ? 0 : null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' as const },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list' as const, data: [buildInvoiceLineObject(invoice)], has_more: false, url: invoiceLinesUrl(invoice.id) },
    livemode: invoice.livemode,
    metadata: {} as Record<string, string>,
    next_payment_attempt: status === 'open' ? invoice.nextPaymentAttempt : null,
    number: finalized(status) ? invoice.number : null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details' as const,
      quote_details: null,
      subscription_details: { metadata: invoice.subscriptionMetadata, subscription: invoice.subscriptionId },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    // Stripe's invoice period is the window for pending items, not the service period (§8): a
    // renewal's runs from the previous period's start to this one's; a first invoice's is empty.
    period_end: invoice.periodStart,
    period_start: invoice.pendingItemsSince ?? invoice.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status,
    status_transitions: {
      finalized_at: finalized(status) ? invoice.created : null,
      marked_uncollectible_at: null,
      paid_at: paid ? invoice.paidAt : null,
      voided_at: null,
    },
    subtotal: invoice.amount,
    subtotal_excluding_tax: invoice.amount,
    test_clock: null,
    total: invoice.amount,
    total_discount_amounts: [] as unknown[],
    total_excluding_tax: invoice.amount,
    total_pretax_credit_amounts: [] as unknown[],
    total_taxes: [] as unknown[],
    webhooks_delivered_at: invoice.created,
  };
}

export type StripeInvoice = ReturnType<typeof buildInvoiceObject>;

/**
 * The invoice as a request's `Stripe-Version` sees it (§0.2, §12). Before basil the subscription
 * reference is `invoice.subscription` (with `subscription_details`), payment is `paid` / `charge` /
 * `payment_intent`, and the line names its `price`, `plan`, `type`, `proration` and
 * `subscription_item` itself. Fields basil added stay: additive fields show up in older versions too.
 */
export function shapeInvoiceForVersion(object: StripeInvoice, invoice: InvoiceRecord, stripeVersion: string): Record<string, unknown> {
  if (usesBasilBillingShapes(stripeVersion)) return object;
  const lines = object.lines.data.map((line) => ({
    ...line,
    amount_excluding_tax: line.amount,
    discount_amounts: line.discount_amounts,
    invoice_item: null,
    plan: buildPlanObject(invoice.price),
    price: invoice.price,
    proration: false,
    proration_details: { credited_items: null },
    subscription_item: invoice.itemId,
    tax_amounts: [] as unknown[],
    tax_rates: [] as unknown[],
    type: 'subscription' as const,
    unit_amount_excluding_tax: line.pricing.unit_amount_decimal,
  }));
  return {
    ...object,
    application_fee_amount: null,
    charge: object.status === 'paid' ? invoice.chargeId : null,
    discount: null,
    lines: { ...object.lines, data: lines },
    paid: object.status === 'paid',
    paid_out_of_band: false,
    payment_intent: null,
    quote: null,
    subscription: invoice.subscriptionId,
    subscription_details: { metadata: invoice.subscriptionMetadata },
    tax: null,
    total_tax_amounts: [] as unknown[],
    transfer_data: null,
  };
}

/**
 * `expand[]=payments` (basil+; expand only, §8): the invoice's payment, a Loops charge. Loops has
 * no payment intents, so `payment` names the charge.
 */
export function buildInvoicePaymentsList(invoice: InvoiceRecord) {
  const charges = [...invoice.failedCharges.map((id) => ({ id, paid: false })), ...(invoice.chargeId ? [{ id: invoice.chargeId, paid: true }] : [])];
  const data = charges.reverse().map((charge, index) => ({
    id: stableId('inpay', `${invoice.id}:${charge.id}`),
    object: 'invoice_payment' as const,
    amount_paid: charge.paid ? invoice.amount : null,
    amount_requested: invoice.amount,
    created: charge.paid && invoice.paidAt !== null ? invoice.paidAt : invoice.created,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: index === 0,
    livemode: invoice.livemode,
    payment: { type: 'charge' as const, charge: charge.id },
    status: charge.paid ? ('paid' as const) : ('canceled' as const),
    status_transitions: { canceled_at: null, paid_at: charge.paid ? invoice.paidAt : null },
  }));
  return { object: 'list' as const, data, has_more: false, url: `/v1/invoice_payments?invoice=${invoice.id}` };
}
