import { z } from 'zod';

/**
 * The parts of Stripe's `price` and `product` objects the mapping tool reads, as the list API, the
 * Stripe CLI and stripe-node give them. Unknown fields are dropped, not refused: Stripe adds fields
 * every version, and the tool must keep reading an export made by a newer API version.
 */

/** stripe-node ≥ 23 turns `unit_amount_decimal` into a `Stripe.Decimal`; exports carry a string. */
const decimal = z
  .union([
    z.string(),
    z.number(),
    z.custom<{ toFixed(digits?: number): string }>((value) => typeof value === 'object' && value !== null && 'toFixed' in value),
  ])
  .transform((value) => String(value));

/** `tax_code` and `default_price` are ids, or the object when expanded. */
const idOrObject = z.union([z.string(), z.object({ id: z.string() })]).transform((value) => (typeof value === 'string' ? value : value.id));

const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((value) => value ?? {});

export const stripeProductSchema = z.object({
  id: z.string().min(1),
  object: z.literal('product'),
  active: z.boolean().default(true),
  name: z.string(),
  description: z.string().nullish(),
  images: z.array(z.string()).nullish(),
  metadata,
  created: z.number().int().optional(),
  updated: z.number().int().optional(),
  /** `service` or `good`; kept as a string so a value from a newer API version is not refused. */
  type: z.string().nullish(),
  default_price: z.unknown().optional(),
  unit_label: z.string().nullish(),
  tax_code: idOrObject.nullish(),
  statement_descriptor: z.string().nullish(),
});

/** `product` on a price whose product was deleted. */
export const deletedProductSchema = z.object({ id: z.string().min(1), deleted: z.literal(true) });

export const stripeRecurringSchema = z.object({
  interval: z.string(),
  interval_count: z.number().int().default(1),
  usage_type: z.string().nullish(),
  meter: z.string().nullish(),
  trial_period_days: z.number().int().nullish(),
});

export const stripePriceSchema = z.object({
  id: z.string().min(1),
  object: z.literal('price'),
  active: z.boolean().default(true),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter currency code')
    .transform((code) => code.toLowerCase()),
  unit_amount: z.number().int().nullish(),
  unit_amount_decimal: decimal.nullish(),
  billing_scheme: z.string().nullish(),
  tiers_mode: z.string().nullish(),
  type: z.string().nullish(),
  recurring: stripeRecurringSchema.nullish(),
  custom_unit_amount: z.record(z.string(), z.unknown()).nullish(),
  transform_quantity: z.object({ divide_by: z.number(), round: z.string() }).nullish(),
  currency_options: z.record(z.string(), z.unknown()).nullish(),
  product: z.union([z.string().min(1), stripeProductSchema, deletedProductSchema]),
  nickname: z.string().nullish(),
  lookup_key: z.string().nullish(),
  metadata,
  tax_behavior: z.enum(['exclusive', 'inclusive', 'unspecified']).nullish(),
  created: z.number().int().optional(),
});

export type StripeProductJson = z.output<typeof stripeProductSchema>;
export type StripePriceJson = z.output<typeof stripePriceSchema>;
