import { z } from 'zod';
import { createdFilter, paginationShape } from './list-params';
import { boolean, httpUrl, integer, list, metadata, oneOf, optional, text } from './param-schemas';
import {
  currencyCode,
  decimalString,
  emptyOr,
  expandParam,
  marketingFeatures,
  MAX_UNIT_AMOUNT,
  packageDimensions,
  productId,
  productTextFields,
  refusedByName,
  taxBehavior,
} from './catalog-param-schemas';

/** `products.create` `default_price_data` (docs/stripe-billing-contract.md §4 "Params"). */
const defaultPriceDataSchema = z
  .object({
    currency: currencyCode,
    currency_options: refusedByName,
    custom_unit_amount: refusedByName,
    metadata: optional(metadata()),
    recurring: optional(z.object({ interval: oneOf(['day', 'week', 'month', 'year']), interval_count: optional(integer(1, 1095)) }).strict()),
    tax_behavior: optional(taxBehavior),
    unit_amount: optional(integer(0, MAX_UNIT_AMOUNT)),
    unit_amount_decimal: optional(decimalString),
  })
  .strict();

export type DefaultPriceData = z.output<typeof defaultPriceDataSchema>;

/**
 * `POST /v1/products`. `features` is the pre-2024-04-10 name of `marketing_features` (§12): both
 * are parsed here and the one the request's version does not know is refused by the service.
 */
export const createProductSchema = z
  .object({
    name: text(5000).min(1),
    active: optional(boolean()),
    default_price_data: optional(defaultPriceDataSchema),
    expand: expandParam,
    features: optional(marketingFeatures),
    id: optional(productId),
    marketing_features: optional(marketingFeatures),
    package_dimensions: optional(packageDimensions),
    type: optional(oneOf(['good', 'service'])),
    url: optional(httpUrl()),
    ...productTextFields,
  })
  .strict();

export type CreateProductParams = z.output<typeof createProductSchema>;

/** `POST /v1/products/:id`: the create parameters minus `id`, `type`, `default_price_data`, plus `default_price`. */
export const updateProductSchema = z
  .object({
    active: optional(boolean()),
    default_price: optional(text(255)),
    description: emptyOr(text(40_000)),
    expand: expandParam,
    features: emptyOr(marketingFeatures),
    images: emptyOr(list(httpUrl(), 8)),
    marketing_features: emptyOr(marketingFeatures),
    metadata: emptyOr(metadata()),
    name: optional(text(5000).min(1)),
    package_dimensions: emptyOr(packageDimensions),
    shippable: optional(boolean()),
    statement_descriptor: optional(text(22)),
    tax_code: emptyOr(text(255)),
    unit_label: emptyOr(text(12)),
    url: emptyOr(httpUrl()),
  })
  .strict();

export type UpdateProductParams = z.output<typeof updateProductSchema>;

/** `GET /v1/products` (§4 "List"): `ids[]` cannot be combined with the cursors. */
export const listProductsSchema = z
  .object({
    ...paginationShape,
    active: optional(boolean()),
    created: optional(createdFilter),
    ids: optional(list(text(255), 100)),
    shippable: optional(boolean()),
    type: optional(oneOf(['good', 'service'])),
    url: optional(text(5000)),
  })
  .strict();

export type ListProductsParams = z.output<typeof listProductsSchema>;

/** `DELETE /v1/products/:id` takes no parameters. */
export const deleteProductSchema = z.object({}).strict();
