import type { SubscriptionRecord } from '../../store/subscription-record';
import { usesBasilBillingShapes } from '../billing-versions';
import { buildPlanObject } from './plan-object';

/**
 * How a subscription's cancellation shows (docs/stripe-billing-contract.md §6.1, "Cancellation fields by
 * flow"), read from Loops' object (§8.1), which has only `cancel_at_period_end`, `canceled_at` and
 * `ended_at`:
 * - `scheduled`: set to end at the period end, still live;
 * - `period_end`: ended at (or after) its period end with `cancel_at_period_end` set;
 * - `payment_failed`: ended after its period end without it: Loops' 3rd failed retry (§8.1);
 * - `immediate`: ended before its period end (DELETE, the portal's cancel now).
 */
export type CancellationKind = 'none' | 'scheduled' | 'period_end' | 'payment_failed' | 'immediate';

export function cancellationKind(record: SubscriptionRecord): CancellationKind {
  const loops = record.loops;
  if (loops.status !== 'canceled') return loops.cancel_at_period_end ? 'scheduled' : 'none';
  const endedAt = loops.ended_at ?? loops.canceled_at ?? loops.current_period_end;
  if (loops.cancel_at_period_end && endedAt >= loops.current_period_end) return 'period_end';
  if (!loops.cancel_at_period_end && endedAt > loops.current_period_end) return 'payment_failed';
  return 'immediate';
}

/**
 * The cancel fields by billing mode (§0.6, §6.1). Classic shows a period-end cancellation as
 * `cancel_at_period_end: true` with `cancel_at` = the period end; flexible as `cancel_at` alone.
 * The merchant's own `cancel_at_period_end=true` shows as it was sent in either mode, and
 * `cancel_at=<period end>` as `cancel_at` alone, as Stripe echoes what was asked.
 */
function cancelFields(record: SubscriptionRecord) {
  const loops = record.loops;
  const kind = cancellationKind(record);
  const scheduled = kind === 'scheduled' || kind === 'period_end';
  const via = record.cancelRequest?.via ?? 'loops';
  const flagged = scheduled && (via === 'cancel_at_period_end' || (via === 'loops' && record.billingMode === 'classic'));
  const reason = kind === 'none' ? null : kind === 'payment_failed' ? 'payment_failed' : 'cancellation_requested';
  return {
    cancel_at: scheduled ? loops.current_period_end : null,
    cancel_at_period_end: flagged,
    canceled_at: kind === 'none' ? null : loops.canceled_at,
    cancellation_details: { comment: record.cancellation.comment, feedback: record.cancellation.feedback, reason },
    ended_at: loops.status === 'canceled' ? loops.ended_at : null,
  };
}

export function subscriptionItemsUrl(id: string): string {
  return `/v1/subscription_items?subscription=${id}`;
}

/** The subscription's one item (§7): full `price` and its `plan` mirror, the billing period (basil). */
export function buildSubscriptionItemObject(record: SubscriptionRecord) {
  return {
    id: record.item.id,
    object: 'subscription_item' as const,
    billing_thresholds: null,
    created: record.item.created,
    current_period_end: record.loops.current_period_end,
    current_period_start: record.loops.current_period_start,
    current_trial: null,
    discounts: [] as string[],
    metadata: {} as Record<string, string>,
    plan: buildPlanObject(record.price),
    price: record.price,
    quantity: record.loops.quantity,
    subscription: record.id,
    tax_rates: [] as unknown[],
  };
}

/** The metadata Stripe shows: Loops' while the subscription lives, the gateway's once it ended. */
export const subscriptionMetadata = (record: SubscriptionRecord): Record<string, string> => record.metadataOverride ?? record.loops.metadata;

/**
 * Stripe's `subscription` (docs/stripe-billing-contract.md §6; test/fixtures/subscription.json) in the
 * shape of the gateway's default version: every field present, `null` where Loops has nothing to
 * say (collection is always automatic, there are no discounts, taxes or schedules).
 */
export function buildSubscriptionObject(record: SubscriptionRecord) {
  const loops = record.loops;
  return {
    id: record.id,
    object: 'subscription' as const,
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: record.anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { type: record.billingMode, flexible: record.billingMode === 'flexible' ? { proration_discounts: 'included' } : null },
    billing_schedules: [] as unknown[],
    billing_thresholds: null,
    ...cancelFields(record),
    collection_method: 'charge_automatically' as const,
    created: loops.created,
    currency: loops.currency.toLowerCase(),
    customer: record.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [] as unknown[],
    description: null,
    discounts: [] as string[],
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: { object: 'list' as const, data: [buildSubscriptionItemObject(record)], has_more: false, url: subscriptionItemsUrl(record.id) },
    latest_invoice: record.invoices.latest,
    livemode: record.livemode,
    managed_payments: null,
    metadata: subscriptionMetadata(record),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: loops.created,
    status: loops.status,
    test_clock: null,
    transfer_data: null,
    trial_end: loops.trial_end,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: loops.trial_start,
  };
}

export type StripeSubscription = ReturnType<typeof buildSubscriptionObject>;

/**
 * The object as a request's `Stripe-Version` sees it (§12): before basil the billing period is also
 * on the subscription itself (from its item; the item copy is additive, §0.1) and `discount`
 * (removed in basil) is there, null.
 */
export function shapeSubscriptionForVersion(object: Record<string, unknown>, stripeVersion: string): Record<string, unknown> {
  if (usesBasilBillingShapes(stripeVersion)) return object;
  const item = (object.items as { data: { current_period_start: number; current_period_end: number }[] }).data[0];
  return {
    ...object,
    current_period_end: item?.current_period_end ?? null,
    current_period_start: item?.current_period_start ?? null,
    discount: null,
  };
}
