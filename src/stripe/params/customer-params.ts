import { z } from 'zod';
import { GatewayError } from '../../errors';
import { hasCustomerBusinessNames, hasCustomerDiscountParams } from '../api-version';
import { CUSTOMER_PARAMS } from './customer-compat';
import { createdFilter, paginationShape } from './list-params';
import { isParamBag, type ParamBag, type ParamValue } from './param-bag';
import { boolean, email, integer, list, metadata, oneOf, optional, text, emptyable } from './param-schemas';
import { rejectUnsupported } from './reject-unsupported';
import { SEARCH_LIMITS } from './search-query';
import { validateParams } from './validate-params';

/**
 * Customer parameters (docs/stripe-billing-contract.md §3; CustomerCreateParams/CustomerUpdateParams of
 * stripe-node 23.1.0). One shape serves create and update; they differ in what an empty value means:
 * on create `name=` is "not set", on update it clears the field (stripe-node sends `name=` for
 * `name: null`, and `Emptyable` params like `address` and `shipping` are cleared that way), so an
 * update's empty value parses to null.
 */
type Mode = 'create' | 'update';

const rejected = optional(z.custom<ParamValue>());

const addressShape = (mode: Mode) =>
  z
    .object({
      city: emptyable(text(5000), mode),
      country: emptyable(text(5000), mode),
      line1: emptyable(text(5000), mode),
      line2: emptyable(text(5000), mode),
      postal_code: emptyable(text(5000), mode),
      state: emptyable(text(5000), mode),
    })
    .strict();

const invoicePrefix = z.string().regex(/^[A-Z0-9]{1,12}$/, 'Invalid invoice_prefix: it must be 1 to 12 upper-case letters or digits.');

function customerShape(mode: Mode) {
  return {
    address: emptyable(addressShape(mode), mode),
    balance: optional(integer()),
    business_name: emptyable(text(150), mode),
    cash_balance: rejected,
    coupon: rejected,
    description: emptyable(text(5000), mode),
    email: emptyable(email(512), mode),
    expand: optional(list(text(500), 20)),
    individual_name: emptyable(text(150), mode),
    invoice_prefix: optional(invoicePrefix),
    invoice_settings: optional(
      z
        .object({
          custom_fields: emptyable(list(z.object({ name: text(40), value: text(140) }).strict(), 4), mode),
          default_payment_method: rejected,
          footer: emptyable(text(5000), mode),
          rendering_options: emptyable(
            z
              .object({ amount_tax_display: emptyable(oneOf(['exclude_tax', 'include_inclusive_tax']), mode), template: optional(text(5000)) })
              .strict(),
            mode,
          ),
        })
        .strict(),
    ),
    // `metadata=` clears every key on update; on create it is "not set". `metadata[k]=` unsets k.
    metadata: mode === 'create' ? optional(metadata()) : z.union([z.literal(''), metadata()]).optional(),
    name: emptyable(text(256), mode),
    next_invoice_sequence: optional(integer(1, 1_000_000_000)),
    phone: emptyable(text(20), mode),
    preferred_locales: emptyable(list(text(100), 30), mode),
    promotion_code: rejected,
    shipping: emptyable(z.object({ address: addressShape(mode), name: text(5000), phone: emptyable(text(5000), mode) }).strict(), mode),
    source: rejected,
    tax: rejected,
    tax_exempt: emptyable(oneOf(['none', 'exempt', 'reverse']), mode),
    validate: optional(boolean()),
  };
}

export const createCustomerSchema = z
  .object({ ...customerShape('create'), payment_method: rejected, tax_id_data: rejected, test_clock: rejected })
  .strict();
export const updateCustomerSchema = z.object({ ...customerShape('update'), default_source: rejected }).strict();

export type CreateCustomerParams = z.output<typeof createCustomerSchema>;
export type UpdateCustomerParams = z.output<typeof updateCustomerSchema>;
/** What create and update share, as `applyCustomerParams` reads it (null: cleared). */
export type CustomerWriteParams = Omit<UpdateCustomerParams, 'default_source'>;

/**
 * Parameters one API version does not have are unknown in it, as Stripe answers them: `coupon` and
 * `promotion_code` from basil on, `business_name` and `individual_name` before clover.
 */
function absentIn(stripeVersion: string): string[] {
  return [
    ...(hasCustomerDiscountParams(stripeVersion) ? [] : ['coupon', 'promotion_code']),
    ...(hasCustomerBusinessNames(stripeVersion) ? [] : ['business_name', 'individual_name']),
  ];
}

function checkVersion(bag: ParamBag, stripeVersion: string): void {
  const name = absentIn(stripeVersion).find((param) => Object.hasOwn(bag, param));
  if (name) throw new GatewayError('parameter_unknown', `Received unknown parameter: ${name}`, name);
}

/**
 * Validates a create or update: names (the version's), then values, then what the gateway cannot
 * carry out (customer-compat.ts), naming the parameter.
 */
function parseWrite<S extends z.ZodType>(schema: S, bag: ParamBag, stripeVersion: string): z.output<S> {
  const params = validateParams(schema, bag);
  checkVersion(bag, stripeVersion);
  rejectUnsupported(bag, CUSTOMER_PARAMS, []);
  const invoiceSettings = bag.invoice_settings;
  if (isParamBag(invoiceSettings) && (invoiceSettings.default_payment_method ?? '') !== '') {
    throw new GatewayError(
      'parameter_unsupported',
      'The gateway does not support `invoice_settings[default_payment_method]`: payment methods live in Loops.',
      'invoice_settings[default_payment_method]',
    );
  }
  return params;
}

export const parseCreateCustomerParams = (bag: ParamBag, stripeVersion: string): CreateCustomerParams =>
  parseWrite(createCustomerSchema, bag, stripeVersion);

export const parseUpdateCustomerParams = (bag: ParamBag, stripeVersion: string): UpdateCustomerParams =>
  parseWrite(updateCustomerSchema, bag, stripeVersion);

/** `GET /v1/customers`: `email` (exact), `created`, `test_clock`, cursors (docs/stripe-billing-contract.md §3). */
export const listCustomersSchema = z
  .object({ ...paginationShape, created: optional(createdFilter), email: optional(text(512)), test_clock: optional(text(255)) })
  .strict();
export type ListCustomersParams = z.output<typeof listCustomersSchema>;

/** `GET /v1/customers/search` (docs/stripe-billing-contract.md §2 "Search"): limit 1–100, default 10. */
export const searchCustomersSchema = z
  .object({
    query: z.string().max(SEARCH_LIMITS.maxQueryLength),
    limit: optional(integer(1, 100)),
    page: optional(text(500)),
    expand: optional(list(text(500), 20)),
  })
  .strict();
export type SearchCustomersParams = z.output<typeof searchCustomersSchema>;

/** `DELETE /v1/customers/:id` takes no parameters (CustomerDeleteParams is empty). */
export const deleteCustomerSchema = z.object({}).strict();
