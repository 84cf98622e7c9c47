import { z } from 'zod';
import type { ParamValue } from './param-bag';
import { boolean, currency, httpUrl, integer, list, metadata, oneOf, optional, text } from './param-schemas';

/**
 * Building blocks shared by the product and price parameter schemas (docs/stripe-billing-contract.md
 * §4, §5; stripe-node 23.1.0 `ProductCreateParams`, `PriceCreateParams`, …).
 */

/** An ISO 4217 code, read in lower case (param-schemas.ts `currency`, as checkout's `price_data`). */
export const currencyCode = currency();

/** `unit_amount_decimal`: Stripe allows 12 decimal places; Loops takes whole minor units (checked later, by name). */
export const decimalString = z.string().regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a decimal string');

/** Stripe's largest `unit_amount` (8 digits of minor units). */
export const MAX_UNIT_AMOUNT = 99_999_999;

/**
 * A caller-chosen product id (`products.create` `id`, `product_data[id]`): it becomes a path
 * segment and a Redis hash field, so it is held to letters, digits and `_ - . :`.
 */
export const productId = z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'must be 1 to 255 letters, digits, `_`, `-`, `.` or `:`');

/**
 * A Stripe parameter the gateway knows but Loops cannot honour: accepted by the schema whatever
 * its shape, so the service can refuse it by name with the reason (never `parameter_unknown`).
 */
export const refusedByName = optional(z.custom<ParamValue>());

/**
 * Stripe's `Emptyable<T>`: `param=` clears the field. The '' is kept (not turned into null as
 * param-schemas.ts `emptyable` does on update): the catalog writers tell "clear" from a value
 * themselves, on create and update alike.
 */
export function emptyOr<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(''), schema]).optional();
}

export const marketingFeatures = list(z.object({ name: text(80).min(1) }).strict(), 15);

const dimension = z
  .string()
  .regex(/^\d{1,8}(\.\d{1,2})?$/, 'must be a positive decimal number')
  .transform(Number);
export const packageDimensions = z.object({ height: dimension, length: dimension, weight: dimension, width: dimension }).strict();

export const expandParam = optional(list(text(500), 20));

/** `recurring` of `prices.create`; `default_price_data[recurring]` takes only interval and count. */
export const priceRecurring = z
  .object({
    interval: oneOf(['day', 'week', 'month', 'year']),
    // Stripe's bound: at most three years (36 months, 156 weeks, 1095 days).
    interval_count: optional(integer(1, 1095)),
    trial_period_days: optional(integer(1, 730)),
    usage_type: optional(oneOf(['licensed', 'metered'])),
    meter: optional(text(255)),
  })
  .strict();

export const taxBehavior = oneOf(['exclusive', 'inclusive', 'unspecified']);

export const productTextFields = {
  description: optional(text(40_000)),
  images: optional(list(httpUrl(), 8)),
  metadata: optional(metadata()),
  shippable: optional(boolean()),
  statement_descriptor: optional(text(22)),
  tax_code: optional(text(255)),
  unit_label: optional(text(12)),
};
