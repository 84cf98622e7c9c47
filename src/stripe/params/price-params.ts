import { z } from 'zod';
import { createdFilter, paginationShape } from './list-params';
import { boolean, integer, list, metadata, oneOf, optional, text } from './param-schemas';
import {
  currencyCode,
  decimalString,
  emptyOr,
  expandParam,
  MAX_UNIT_AMOUNT,
  priceRecurring,
  productId,
  refusedByName,
  taxBehavior,
} from './catalog-param-schemas';

/** `prices.create` `product_data` (docs/stripe-billing-contract.md §5). */
const productDataSchema = z
  .object({
    name: text(5000).min(1),
    active: optional(boolean()),
    id: optional(productId),
    metadata: optional(metadata()),
    statement_descriptor: optional(text(22)),
    tax_code: optional(text(255)),
    unit_label: optional(text(12)),
  })
  .strict();

/** `POST /v1/prices` (docs/stripe-billing-contract.md §5 "Create"). */
export const createPriceSchema = z
  .object({
    currency: currencyCode,
    active: optional(boolean()),
    billing_scheme: optional(oneOf(['per_unit', 'tiered'])),
    currency_options: refusedByName,
    custom_unit_amount: refusedByName,
    expand: expandParam,
    lookup_key: optional(text(200)),
    metadata: optional(metadata()),
    nickname: optional(text(5000)),
    product: optional(text(255)),
    product_data: optional(productDataSchema),
    recurring: optional(priceRecurring),
    tax_behavior: optional(taxBehavior),
    tiers: refusedByName,
    tiers_mode: optional(oneOf(['graduated', 'volume'])),
    transfer_lookup_key: optional(boolean()),
    transform_quantity: refusedByName,
    unit_amount: optional(integer(0, MAX_UNIT_AMOUNT)),
    unit_amount_decimal: optional(decimalString),
  })
  .strict();

export type CreatePriceParams = z.output<typeof createPriceSchema>;
export type PriceProductData = z.output<typeof productDataSchema>;

/**
 * `POST /v1/prices/:id`: what Stripe lets change (§5 "Update"). Amounts, currency, `recurring` and
 * `product` are not update parameters, so they are refused as Stripe refuses them
 * (`parameter_unknown`).
 */
export const updatePriceSchema = z
  .object({
    active: optional(boolean()),
    currency_options: refusedByName,
    expand: expandParam,
    lookup_key: emptyOr(text(200)),
    metadata: emptyOr(metadata()),
    nickname: emptyOr(text(5000)),
    tax_behavior: optional(taxBehavior),
    transfer_lookup_key: optional(boolean()),
  })
  .strict();

export type UpdatePriceParams = z.output<typeof updatePriceSchema>;

/** `GET /v1/prices` (§5 "List"). */
export const listPricesSchema = z
  .object({
    ...paginationShape,
    active: optional(boolean()),
    currency: optional(currencyCode),
    product: optional(text(255)),
    type: optional(oneOf(['one_time', 'recurring'])),
    lookup_keys: optional(list(text(200), 10)),
    created: optional(createdFilter),
    recurring: optional(
      z
        .object({
          interval: optional(oneOf(['day', 'week', 'month', 'year'])),
          usage_type: optional(oneOf(['licensed', 'metered'])),
          meter: optional(text(255)),
        })
        .strict(),
    ),
  })
  .strict();

export type ListPricesParams = z.output<typeof listPricesSchema>;

/** `GET /v1/prices/search` and `/v1/products/search` (docs/stripe-billing-contract.md §0.9, §2 "Search"). */
export const searchSchema = z
  .object({
    query: text(1000),
    limit: optional(integer(1, 100)),
    page: optional(text(400)),
    expand: expandParam,
  })
  .strict();

export type SearchParams = z.output<typeof searchSchema>;

/** `GET /v1/prices/:id`, `GET /v1/products/:id`: only `expand`. */
export const retrieveCatalogSchema = z.object({ expand: expandParam }).strict();
