import type { z } from 'zod';
import { createPriceSchema, listPricesSchema, retrieveCatalogSchema, searchSchema, updatePriceSchema } from './price-params';
import { createProductSchema, deleteProductSchema, listProductsSchema, updateProductSchema } from './product-params';

/**
 * What the gateway does with every parameter of the product and price endpoints
 * (docs/stripe-billing-contract.md §4, §5). docs/compatibility.md is generated from this table
 * (`npm run docs`), and a unit test checks that each endpoint names exactly its schema's parameters.
 */
export interface CatalogEndpoint {
  schema: z.ZodObject;
  params: Record<string, string>;
}

const pagination = {
  limit: '1–100, default 10',
  starting_after: 'cursor (a price or product id of this list)',
  ending_before: 'cursor',
};
const refusedForLoops = (what: string) => `refused with a 400 naming it: ${what}`;
const search = {
  query:
    "Stripe's query language: `field:'value'`, `~` (substring), `-` (not), `metadata['key']`, `null`, clauses joined by AND, OR or a space (AND); at most 10 clauses, 1,000 characters",
  limit: '1–100, default 10',
  page: 'the `next_page` of the previous page (an opaque token)',
};

export const CATALOG_PARAMS: Record<string, CatalogEndpoint> = {
  'POST /v1/products': {
    schema: createProductSchema,
    params: {
      name: 'required',
      active: 'stored; default `true`',
      default_price_data:
        'a price made with the product (one Loops product, as `prices.create`); `currency`, `unit_amount` or whole-number `unit_amount_decimal`, `recurring` (`interval`, `interval_count`), `tax_behavior`, `metadata`; `currency_options` and `custom_unit_amount` refused',
      expand: '`default_price`',
      features: 'the pre-2024-04-10 name of `marketing_features`: accepted with a `Stripe-Version` before 2024-04-10, `parameter_unknown` after',
      id: 'a caller-chosen id (letters, digits, `_ - . :`); one the tenant already uses is 400 `resource_already_exists`',
      marketing_features: 'stored and echoed (up to 15); `parameter_unknown` with a `Stripe-Version` before 2024-04-10',
      package_dimensions: 'stored and echoed',
      type: '`service` (default) or `good`; stored',
      url: 'stored and echoed',
      description: 'stored; copied to the Loops products of prices made afterwards',
      images: 'up to 8 http(s) URLs; stored, copied to the Loops products of prices made afterwards',
      metadata: 'stored and echoed',
      shippable: 'stored and echoed',
      statement_descriptor: 'stored and echoed (up to 22 characters)',
      tax_code: 'stored; copied to the Loops products of prices made afterwards',
      unit_label: 'stored; copied to the Loops products of prices made afterwards',
    },
  },
  'POST /v1/products/:id': {
    schema: updateProductSchema,
    params: {
      active: 'stored',
      default_price: 'a price of this product (another product’s price or an unknown one is a 400)',
      description: 'stored (`description=` clears it); Loops products already made keep their text (the contract has no product update)',
      expand: '`default_price`',
      features: 'pre-2024-04-10 name of `marketing_features`',
      images: 'stored (`images=` clears them)',
      marketing_features: 'stored (`marketing_features=` clears them)',
      metadata: 'merged: `metadata[k]=` unsets a key, `metadata=` clears all',
      name: 'stored; Loops products already made keep their name',
      package_dimensions: 'stored',
      shippable: 'stored',
      statement_descriptor: 'stored',
      tax_code: 'stored',
      unit_label: 'stored',
      url: 'stored',
    },
  },
  'GET /v1/products': {
    schema: listProductsSchema,
    params: {
      ...pagination,
      expand: '`data.default_price`',
      active: 'filter',
      created: 'filter (`created[gte]` …)',
      ids: 'filter (up to 100); not combinable with the cursors',
      shippable: 'filter',
      type: 'filter',
      url: 'filter',
    },
  },
  'GET /v1/products/search': {
    schema: searchSchema,
    params: { ...search, expand: '`data.default_price`; query fields `active`, `description`, `metadata`, `name`, `shippable`, `url`' },
  },
  'GET /v1/products/:id': { schema: retrieveCatalogSchema, params: { expand: '`default_price`' } },
  'DELETE /v1/products/:id': { schema: deleteProductSchema, params: {} },
  'POST /v1/prices': {
    schema: createPriceSchema,
    params: {
      currency: 'required; any ISO 4217 code',
      active: 'stored; an archived price refuses new checkouts',
      billing_scheme: `\`per_unit\`; \`tiered\` ${refusedForLoops('a Loops product has one fixed amount')}`,
      currency_options: refusedForLoops('a Loops product charges one currency'),
      custom_unit_amount: refusedForLoops('the customer would choose the amount'),
      expand: '`product`',
      lookup_key: 'unique per tenant; a key another price holds is a 400 unless `transfer_lookup_key=true`',
      metadata: 'stored and echoed',
      nickname: 'stored and echoed',
      product: 'an existing product; exclusive with `product_data`',
      product_data: 'a product made with the price: `name`, `active`, `id`, `metadata`, `statement_descriptor`, `tax_code`, `unit_label`',
      recurring:
        '`interval` month or year (every 12 months is yearly), `interval_count` 1; `trial_period_days` stored and echoed (Loops has no trials); metered `usage_type` or a `meter`, weekly, daily or other counts refused with the reason',
      tax_behavior: 'stored and echoed',
      tiers: refusedForLoops('tiered pricing'),
      tiers_mode: refusedForLoops('tiered pricing'),
      transfer_lookup_key: 'moves the lookup key from the price holding it (that price gets a `price.updated`)',
      transform_quantity: refusedForLoops('package pricing'),
      unit_amount:
        'minor units; a KWD/BHD/JOD/OMR/TND amount not ending in 0 or an ISK amount not a multiple of 100 is refused (Stripe cannot charge it)',
      unit_amount_decimal: 'whole minor units only (a fraction of one is refused); exclusive with `unit_amount`',
    },
  },
  'POST /v1/prices/:id': {
    schema: updatePriceSchema,
    params: {
      active: '`false` archives it (not while it is its product’s `default_price`, as in Stripe): new checkouts with it are refused',
      currency_options: refusedForLoops('a Loops product charges one currency'),
      expand: '`product`',
      lookup_key: 'as on create; `lookup_key=` clears it',
      metadata: 'merged: `metadata[k]=` unsets a key, `metadata=` clears all',
      nickname: 'stored (`nickname=` clears it)',
      tax_behavior: 'stored; cannot change once `inclusive` or `exclusive`',
      transfer_lookup_key: 'as on create',
    },
  },
  'GET /v1/prices': {
    schema: listPricesSchema,
    params: {
      ...pagination,
      expand: '`data.product`',
      active: 'filter; **active prices only unless `active=false`** (Stripe’s default)',
      currency: 'filter',
      product: 'filter',
      type: 'filter (`one_time`, `recurring`)',
      lookup_keys: 'filter (up to 10)',
      created: 'filter (`created[gte]` …)',
      recurring: '`interval`, `usage_type` (every price is `licensed`), `meter` (matches none)',
    },
  },
  'GET /v1/prices/search': {
    schema: searchSchema,
    params: { ...search, expand: '`data.product`; query fields `active`, `currency`, `lookup_key`, `metadata`, `product`, `type`' },
  },
  'GET /v1/prices/:id': { schema: retrieveCatalogSchema, params: { expand: '`product`' } },
};
