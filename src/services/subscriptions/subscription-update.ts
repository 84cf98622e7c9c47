import { GatewayError } from '../../errors';
import type { LoopsV3SubscriptionUpdateBody } from '../../loops/loops-schemas';
import { mergeMetadata } from '../../stripe/params/merge-metadata';
import { METADATA_LIMITS } from '../../stripe/params/param-schemas';
import type { UpdateItemParams, UpdateSubscriptionParams } from '../../stripe/params/subscription-params';
import { subscriptionMetadata } from '../../stripe/objects/subscription-object';
import type { SubscriptionRecord } from '../../store/subscription-record';
import { checkLoopsMetadata } from '../../translate/check-loops-metadata';
import type { LocalChange } from '../../translate/plan-subscription-sync';

/** What an update asks of Loops (its PUT, §8.2) and what the gateway keeps itself. */
export interface UpdatePlan {
  loops: LoopsV3SubscriptionUpdateBody;
  local: LocalChange;
}

/** Parameters that may still change once a subscription is canceled (docs/stripe-billing-contract.md §6.1). */
const ALLOWED_WHEN_CANCELED = new Set(['metadata', 'cancellation_details', 'expand']);

const unsupported = (param: string, why: string) =>
  new GatewayError('parameter_unsupported', `The gateway does not support \`${param}\` here: ${why}`, param);

/** `cancellation_details` as the record keeps it: an empty value clears a field. */
export function cancellationChange(details: UpdateSubscriptionParams['cancellation_details']): LocalChange['cancellation'] {
  if (!details) return undefined;
  return {
    ...(details.comment !== undefined ? { comment: details.comment === '' ? null : details.comment } : {}),
    ...(details.feedback !== undefined ? { feedback: details.feedback === '' ? null : details.feedback } : {}),
  };
}

/**
 * A canceled subscription: only metadata and cancellation details, kept by the gateway (Loops
 * refuses changes once it is canceled, §8.2). Anything else is Stripe's
 * `invalid_canceled_subscription_fields`.
 */
export function planCanceledUpdate(record: SubscriptionRecord, params: UpdateSubscriptionParams, given: string[]): LocalChange {
  const refused = given.find((name) => !ALLOWED_WHEN_CANCELED.has(name));
  if (refused) {
    throw new GatewayError('canceled_subscription_fields', 'A canceled subscription can only update its cancellation_details and metadata.', refused);
  }
  const metadata = params.metadata === undefined ? undefined : checkedMetadata(mergeMetadata(subscriptionMetadata(record), params.metadata), false);
  return { ...(metadata ? { metadata } : {}), cancellation: cancellationChange(params.cancellation_details) };
}

/** A live subscription: the Loops PUT for `cancel_at_period_end` / `cancel_at`, `metadata` and the quantity. */
export function planLiveUpdate(record: SubscriptionRecord, params: UpdateSubscriptionParams): UpdatePlan {
  const body: LoopsV3SubscriptionUpdateBody = {};
  const local: LocalChange = { cancellation: cancellationChange(params.cancellation_details) };
  const cancelAt = parseCancelAt(params.cancel_at, record);
  if (params.cancel_at_period_end !== undefined && cancelAt !== undefined && params.cancel_at_period_end !== cancelAt) {
    throw new GatewayError('parameters_exclusive', 'You may only specify one of these parameters: cancel_at, cancel_at_period_end.', 'cancel_at');
  }
  const cancel = params.cancel_at_period_end ?? cancelAt;
  if (cancel !== undefined) {
    if (cancel !== record.loops.cancel_at_period_end) body.cancel_at_period_end = cancel;
    if (cancel) local.cancelVia = params.cancel_at_period_end !== undefined ? 'cancel_at_period_end' : 'cancel_at';
  }
  if (params.metadata !== undefined) {
    const merged = checkedMetadata(mergeMetadata(record.loops.metadata, params.metadata), true);
    if (JSON.stringify(merged) !== JSON.stringify(record.loops.metadata)) body.metadata = merged;
  }
  const quantity = itemQuantity(record, params.items ?? []);
  if (quantity !== undefined && quantity !== record.loops.quantity) body.quantity = quantity;
  return { loops: body, local };
}

function checkedMetadata(metadata: Record<string, string>, toLoops: boolean): Record<string, string> {
  if (Object.keys(metadata).length > METADATA_LIMITS.maxKeys) {
    throw new GatewayError('parameter_invalid', `Invalid metadata: metadata can have at most ${METADATA_LIMITS.maxKeys} keys.`, 'metadata');
  }
  if (toLoops) checkLoopsMetadata(metadata);
  return metadata;
}

/**
 * `cancel_at`: Loops can only end a subscription at its period end (§8.2), so only that time is
 * accepted (a timestamp equal to it, or `max_period_end` / `min_period_end`, the same thing for a
 * one-item subscription); empty takes the cancellation back. Returns the `cancel_at_period_end` it
 * means, or undefined when absent.
 */
function parseCancelAt(value: string | undefined, record: SubscriptionRecord): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === '') return false;
  if (value === 'max_period_end' || value === 'min_period_end') return true;
  const periodEnd = record.loops.current_period_end;
  if (/^\d{1,12}$/.test(value) && Number(value) === periodEnd) return true;
  throw unsupported(
    'cancel_at',
    `Loops ends a subscription only at the end of its current period (${periodEnd}); use cancel_at=${periodEnd}, cancel_at=max_period_end or cancel_at_period_end=true, or cancel now with DELETE /v1/subscriptions/${record.id}.`,
  );
}

/** The new quantity `items[0]` asks for (§6.2): anything beyond the one item's quantity is refused by name. */
function itemQuantity(record: SubscriptionRecord, items: UpdateItemParams[]): number | undefined {
  if (items.length > 1) throw unsupported('items[1]', 'a Loops subscription has exactly one item; only its quantity can change.');
  const item = items[0];
  if (!item) return undefined;
  if (item.id !== undefined && item.id !== record.item.id) {
    throw new GatewayError('param_resource_missing', `No such subscription item: '${item.id}'`, 'items[0][id]');
  }
  if (item.id === undefined && item.price !== undefined) {
    throw unsupported('items[0][price]', 'an item without `id` adds a second item, and a Loops subscription has exactly one.');
  }
  if (item.deleted === true) throw unsupported('items[0][deleted]', 'a Loops subscription keeps its one item; cancel the subscription instead.');
  for (const [param, value] of [
    ['price', item.price !== undefined && item.price !== record.price.id],
    ['plan', item.plan !== undefined && item.plan !== record.price.id],
    ['price_data', item.price_data !== undefined && item.price_data !== ''],
    ['discounts', item.discounts !== undefined && item.discounts !== ''],
    ['tax_rates', item.tax_rates !== undefined && item.tax_rates !== ''],
    ['billing_thresholds', item.billing_thresholds !== undefined && item.billing_thresholds !== ''],
    ['metadata', item.metadata !== undefined && item.metadata !== '' && Object.keys(item.metadata).length > 0],
  ] as const) {
    if (value)
      throw unsupported(`items[0][${param}]`, 'Loops cannot change a subscription’s price, discounts, taxes or item metadata; only the quantity.');
  }
  if (item.quantity === 0) throw unsupported('items[0][quantity]', 'a Loops subscription needs a quantity of at least 1; cancel it instead.');
  return item.quantity;
}
