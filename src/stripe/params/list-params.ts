import { z } from 'zod';
import { GatewayError } from '../../errors';
import { email, integer, list, metadata, oneOf, optional, text } from './param-schemas';

/** Stripe pagination (docs/stripe-checkout-contract.md §3.3): limit 1–100, default 10; exclusive id cursors. */
export const paginationShape = {
  limit: optional(integer(1, 100)),
  starting_after: optional(text(255)),
  ending_before: optional(text(255)),
  expand: optional(list(text(500), 20)),
};

/** `created=123` or `created[gte]=…` (and gt/lt/lte). */
export const createdFilter = z.union([
  integer(0),
  z.object({ gt: optional(integer(0)), gte: optional(integer(0)), lt: optional(integer(0)), lte: optional(integer(0)) }).strict(),
]);

export type CreatedFilter = z.output<typeof createdFilter>;

export function matchesCreated(created: number, filter: CreatedFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'number') return created === filter;
  return (
    (filter.gt === undefined || created > filter.gt) &&
    (filter.gte === undefined || created >= filter.gte) &&
    (filter.lt === undefined || created < filter.lt) &&
    (filter.lte === undefined || created <= filter.lte)
  );
}

export function checkCursors(params: { starting_after?: string; ending_before?: string }): void {
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw new GatewayError('parameters_exclusive', 'You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
}

export const listSessionsSchema = z
  .object({
    ...paginationShape,
    created: optional(createdFilter),
    customer: optional(text(255)),
    customer_account: optional(text(255)),
    customer_details: optional(z.object({ email: email() }).strict()),
    payment_intent: optional(text(255)),
    payment_link: optional(text(255)),
    status: optional(oneOf(['open', 'complete', 'expired'])),
    subscription: optional(text(255)),
  })
  .strict();

export type ListSessionsParams = z.output<typeof listSessionsSchema>;

export const listLineItemsSchema = z.object(paginationShape).strict();
export const retrieveSchema = z.object({ expand: optional(list(text(500), 20)) }).strict();
export const expireSchema = retrieveSchema;

/**
 * Update (docs/stripe-checkout-contract.md §5.5): metadata is what Loops can carry; the other 23.1.0 update
 * parameters (line_items, shipping_options, collected_information, payment_intent_data) are
 * refused by name. `metadata=` (empty) clears every key; `metadata[k]=` unsets one.
 */
export const updateSessionSchema = z
  .object({
    expand: optional(list(text(500), 20)),
    metadata: z.union([z.literal(''), metadata()]).optional(),
    line_items: z.custom<unknown>().optional(),
    shipping_options: z.custom<unknown>().optional(),
    collected_information: z.custom<unknown>().optional(),
    payment_intent_data: z.custom<unknown>().optional(),
  })
  .strict();

export const UNSUPPORTED_UPDATE_PARAMS = ['line_items', 'shipping_options', 'collected_information', 'payment_intent_data'] as const;
