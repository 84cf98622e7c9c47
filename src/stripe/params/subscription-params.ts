import { z } from 'zod';
import { createdFilter, paginationShape } from './list-params';
import { boolean, integer, list, metadata, oneOf, optional, text } from './param-schemas';
import type { ParamValue } from './param-bag';
import { UPDATE_SUBSCRIPTION_PARAMS } from './subscription-update-compat';

/**
 * Parameters of the subscription endpoints (docs/stripe-billing-contract.md §1, §6.2), as stripe-node
 * 23.1.0 sends them. Unknown names are `parameter_unknown`; names Stripe defines that Loops cannot
 * carry are parsed loosely here and refused by name (subscription-update-compat.ts).
 */

/** `status` filter values of `GET /v1/subscriptions` (§6.2 List). */
export const SUBSCRIPTION_LIST_STATUSES = [
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
] as const;

const expand = optional(list(text(500), 20));

export const listSubscriptionsSchema = z
  .object({
    ...paginationShape,
    automatic_tax: optional(z.object({ enabled: boolean() }).strict()),
    collection_method: optional(oneOf(['charge_automatically', 'send_invoice'])),
    created: optional(createdFilter),
    current_period_end: optional(createdFilter),
    current_period_start: optional(createdFilter),
    customer: optional(text(255)),
    customer_account: optional(text(255)),
    plan: optional(text(255)),
    price: optional(text(255)),
    status: optional(oneOf(SUBSCRIPTION_LIST_STATUSES)),
    test_clock: optional(text(255)),
  })
  .strict();
export type ListSubscriptionsParams = z.output<typeof listSubscriptionsSchema>;

export const searchSchema = z
  .object({
    query: text(1000),
    limit: optional(integer(1, 100)),
    page: optional(text(400)),
    expand,
  })
  .strict();

const CANCELLATION_FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

/** `cancellation_details` of update and cancel: an empty value clears a field. */
const cancellationDetails = z
  .object({
    comment: z.union([z.literal(''), text(5000)]).optional(),
    feedback: z.union([z.literal(''), oneOf(CANCELLATION_FEEDBACK)]).optional(),
  })
  .strict();

const anything = z.custom<ParamValue>().optional();

/** One `items[N]` of an update: only the quantity of the subscription's item can change (§6.2, Loops PUT). */
const updateItem = z
  .object({
    id: optional(text(255)),
    price: optional(text(255)),
    quantity: optional(integer(0, 1_000_000)),
    deleted: optional(boolean()),
    clear_usage: optional(boolean()),
    metadata: z.union([z.literal(''), metadata()]).optional(),
    plan: optional(text(255)),
    price_data: anything,
    discounts: anything,
    tax_rates: anything,
    billing_thresholds: anything,
  })
  .strict();

const updateShape = {
  ...Object.fromEntries(Object.keys(UPDATE_SUBSCRIPTION_PARAMS).map((name) => [name, anything])),
  cancel_at_period_end: optional(boolean()),
  cancel_at: z.union([z.literal(''), text(30)]).optional(),
  cancellation_details: optional(cancellationDetails),
  metadata: z.union([z.literal(''), metadata()]).optional(),
  items: optional(list(updateItem, 20)),
  off_session: optional(boolean()),
  payment_behavior: optional(oneOf(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'])),
  expand,
};

export const updateSubscriptionSchema = z.object(updateShape).strict();
export type UpdateSubscriptionParams = z.output<typeof updateSubscriptionSchema>;
export type UpdateItemParams = z.output<typeof updateItem>;

/** `DELETE /v1/subscriptions/:id` (params in the query, §0.7). */
export const cancelSubscriptionSchema = z
  .object({
    cancellation_details: optional(cancellationDetails),
    invoice_now: optional(boolean()),
    prorate: optional(boolean()),
    expand,
  })
  .strict();
