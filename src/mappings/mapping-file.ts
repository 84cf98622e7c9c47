import { z } from 'zod';

/**
 * `mappings/<tenant>.json`: the merchant-owned, committed source of truth for which Loops object
 * each Stripe price stands for (docs/mappings.md). Keep it backwards compatible: `version` moves
 * only with a migration.
 */
export const recurringSchema = z.object({ interval: z.enum(['month', 'year']), intervalCount: z.number().int().min(1).max(1).default(1) }).nullable();

/** See `MappingEntry.apiRevision`. */
const apiRevisionSchema = z.number().int().min(0).optional();

export const mappingEntrySchema = z
  .object({
    loopsProductId: z.string().min(1).optional(),
    loopsPriceId: z.string().min(1).optional(),
    loopsPaymentLinkId: z.string().min(1).optional(),
    stripeProductId: z.string().min(1).optional(),
    productName: z.string().min(1),
    productDescription: z.string().nullable().optional(),
    currency: z.string().regex(/^[a-z]{3}$/, 'lower-case ISO code'),
    /** In the currency's minor units (cents; yen for JPY). */
    unitAmount: z.number().int().min(0),
    recurring: recurringSchema.default(null),
    /** Echoed on Stripe price objects when present. */
    active: z.boolean().optional(),
    nickname: z.string().nullable().optional(),
    lookupKey: z.string().nullable().optional(),
    taxBehavior: z.enum(['exclusive', 'inclusive', 'unspecified']).nullable().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    created: z.number().int().optional(),
    /** Stripe's `recurring.trial_period_days`, echoed only: Loops has no trials. */
    trialPeriodDays: z.number().int().min(1).nullable().optional(),
    /**
     * When the price was last created or changed through the gateway's API (ms): the merge rule of
     * `mappings load` and start-up keeps such a change over an older file (docs/mappings.md
     * "One catalog"). Absent on entries that only ever came from a file or `npm run map`.
     */
    apiRevision: apiRevisionSchema,
  })
  .loose()
  .refine((entry) => Boolean(entry.loopsProductId) !== Boolean(entry.loopsPaymentLinkId), {
    message: 'exactly one of loopsProductId or loopsPaymentLinkId',
  })
  .refine((entry) => !entry.loopsPriceId || entry.loopsProductId, { message: 'loopsPriceId needs loopsProductId' });

export const productInfoSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().nullable().optional(),
    images: z.array(z.string()).optional(),
    active: z.boolean().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    created: z.number().int().optional(),
    /** Echoed on Stripe product objects when present (written by `npm run map`). */
    defaultPriceId: z.string().nullable().optional(),
    unitLabel: z.string().nullable().optional(),
    taxCode: z.string().nullable().optional(),
    type: z.enum(['service', 'good']).optional(),
    statementDescriptor: z.string().nullable().optional(),
    /** Unix seconds; Stripe's `updated` (defaults to `created` when absent). */
    updated: z.number().int().optional(),
    /** Echoed on Stripe product objects (null / [] when absent). */
    url: z.string().nullable().optional(),
    shippable: z.boolean().nullable().optional(),
    /** Stripe's `marketing_features` (`features` before 2024-04-10). */
    marketingFeatures: z.array(z.object({ name: z.string() })).optional(),
    packageDimensions: z.object({ height: z.number(), length: z.number(), weight: z.number(), width: z.number() }).nullable().optional(),
    /** As on prices: when the product was last created or changed through the API (ms). */
    apiRevision: apiRevisionSchema,
  })
  .loose();

export const mappingFileSchema = z.object({
  version: z.literal(1),
  prices: z.record(z.string().min(1), mappingEntrySchema),
  /** Stripe products by id, for `price_data[product]` and product objects on expanded prices. */
  products: z.record(z.string().min(1), productInfoSchema).default({}),
});

export type MappingEntry = z.output<typeof mappingEntrySchema>;
export type ProductInfo = z.output<typeof productInfoSchema>;
export type MappingFile = z.output<typeof mappingFileSchema>;

export const emptyMappingFile = (): MappingFile => ({ version: 1, prices: {}, products: {} });
