import { z } from 'zod';
import { GatewayError } from '../../errors';
import { usesAllowedPaymentMethodTypes } from '../api-version';
import { collectionParamSchemas } from './collection-param-schemas';
import { CREATE_SESSION_PARAMS } from './create-session-compat';
import { checkAdjustableItems, checkLineItem } from './line-item-rules';
import type { ParamBag, ParamValue } from './param-bag';
import { boolean, currency, email, httpUrl, integer, list, listIndexKeys, metadata, oneOf, optional, text } from './param-schemas';
import { PAYMENT_METHOD_TYPES } from './payment-method-types';
import { presentKeysSchema } from './present-keys';
import { rejectUnsupported, type ParamPolicy } from './reject-unsupported';
import { checkModeParams, subscriptionDataSchema } from './subscription-data-params';
import { validateParams } from './validate-params';

export const MAX_LINE_ITEMS = 100;

/** `unit_amount_decimal`: Stripe allows 12 decimal places; Loops amounts are whole minor units. */
const decimalString = z.string().regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a decimal string');

const productDataSchema = z
  .object({
    name: text(5000).min(1),
    description: optional(text(40000)),
    images: optional(list(httpUrl(), 8)),
    metadata: optional(metadata()),
    tax_code: optional(text(255)),
    tax_details: optional(z.object({ tax_code: optional(text(255)), performance_location: optional(text(255)) }).strict()),
    unit_label: optional(text(12)),
  })
  .strict();

const priceDataSchema = z
  .object({
    currency: currency(),
    product: optional(text(255)),
    product_data: optional(productDataSchema),
    unit_amount: optional(integer(0, 99_999_999)),
    unit_amount_decimal: optional(decimalString),
    recurring: optional(z.object({ interval: oneOf(['day', 'week', 'month', 'year']), interval_count: optional(integer(1, 1095)) }).strict()),
    tax_behavior: optional(oneOf(['exclusive', 'inclusive', 'unspecified'])),
  })
  .strict();

const rejectedParam = optional(z.custom<ParamValue>());

const lineItemSchema = z
  .object({
    price: optional(text(255)),
    price_data: optional(priceDataSchema),
    quantity: optional(integer(1, 999_999)),
    adjustable_quantity: optional(
      z.object({ enabled: boolean(), maximum: optional(integer(1, 999_999)), minimum: optional(integer(0, 999_999)) }).strict(),
    ),
    metadata: optional(metadata()),
    tax_rates: rejectedParam,
    dynamic_tax_rates: rejectedParam,
  })
  .strict();

const customTextMessage = optional(z.object({ message: text(1200) }).strict());

export const createSessionSchema = z
  .object({
    line_items: optional(list(lineItemSchema, MAX_LINE_ITEMS)),
    mode: optional(oneOf(['payment', 'setup', 'subscription'])),
    success_url: optional(httpUrl()),
    cancel_url: optional(httpUrl()),
    customer: optional(text(255)),
    customer_email: optional(email()),
    client_reference_id: optional(text(200)),
    metadata: optional(metadata()),
    expires_at: optional(integer(0)),
    allowed_payment_method_types: optional(list(oneOf(PAYMENT_METHOD_TYPES), 50)),
    payment_method_types: optional(list(oneOf(PAYMENT_METHOD_TYPES), 50)),
    expand: optional(list(text(500), 20)),
    locale: optional(text(10)),
    submit_type: optional(oneOf(['auto', 'book', 'donate', 'pay', 'subscribe'])),
    customer_creation: optional(oneOf(['always', 'if_required'])),
    subscription_data: optional(subscriptionDataSchema),
    integration_identifier: optional(text(200)),
    origin_context: optional(oneOf(['mobile_app', 'web'])),
    custom_text: optional(
      z
        .object({
          after_submit: customTextMessage,
          shipping_address: customTextMessage,
          submit: customTextMessage,
          terms_of_service_acceptance: customTextMessage,
        })
        .strict(),
    ),
    ...Object.fromEntries(
      Object.entries(CREATE_SESSION_PARAMS)
        .filter(([, t]) => t.treatment === 'rejected')
        .map(([name]) => [name, rejectedParam]),
    ),
    ...collectionParamSchemas,
    // A rejected parameter whose accepted values are echoed on the session needs a real schema.
    ui_mode: optional(text(50)),
  })
  .strict();

/** The schema for the parameters a request sends (present-keys.ts): most of the ~70 never are. */
const createSessionSchemaFor = presentKeysSchema(createSessionSchema);

export type CreateSessionParams = z.output<typeof createSessionSchema>;
export type LineItemParams = z.output<typeof lineItemSchema>;
export type PriceDataParams = z.output<typeof priceDataSchema>;

/** A line item with the index the client gave it (`line_items[5]` stays 5), for every error about it. */
export type IndexedLineItem = LineItemParams & { index: number };
export type ParsedCreateSessionParams = Omit<CreateSessionParams, 'line_items'> & { line_items: IndexedLineItem[] };

/**
 * Validates a create request: names, then values, then the rules that span several fields.
 * `stripeVersion` decides which payment-method parameter exists (docs/stripe-checkout-contract.md §0.9).
 */
export function parseCreateSessionParams(bag: ParamBag, stripeVersion: string, policy: ParamPolicy): ParsedCreateSessionParams {
  const params = validateParams(createSessionSchemaFor(bag), bag);
  checkModeParams(bag, params.mode);
  rejectUnsupported(bag, CREATE_SESSION_PARAMS, [], policy);
  checkPaymentMethodParam(bag, stripeVersion);
  checkCustomerParams(params);
  const indexes = listIndexes(bag.line_items, params.line_items?.length ?? 0);
  const items = (params.line_items ?? []).map((item, position) => ({ ...item, index: indexes[position] ?? position }));
  items.forEach((item) => checkLineItem(item, bag));
  checkAdjustableItems(items);
  if (params.mode === 'setup') {
    throw new GatewayError('parameter_unsupported', 'The gateway does not support `setup` mode: Loops has no setup sessions.', 'mode');
  }
  if (items.length === 0) throw new GatewayError('parameter_missing', 'Missing required param: line_items.', 'line_items');
  return withoutEmptyMetadata({ ...params, line_items: items });
}

/** The client's index of each list element, in list order: `a[]` lists count from 0, `a[5]` keeps 5. */
function listIndexes(value: ParamValue | undefined, count: number): number[] {
  const keys = listIndexKeys(value);
  return Array.from({ length: count }, (_, position) => Number(keys?.[position] ?? position));
}

/** Stripe's rules tying the customer parameters together (docs/stripe-billing-contract.md §11). */
function checkCustomerParams(params: CreateSessionParams): void {
  if (params.customer !== undefined && params.customer_email !== undefined) {
    throw new GatewayError('parameters_exclusive', 'You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  }
  if (params.customer_update !== undefined && params.customer === undefined) {
    throw new GatewayError('parameter_invalid', '`customer_update` can only be used with `customer`.', 'customer_update');
  }
}

/**
 * The payment-method filter has one name per API version (docs/stripe-checkout-contract.md §0.9, §5.3): a version
 * without the name Stripe knows as a parameter answers as Stripe would, `parameter_unknown`.
 */
function checkPaymentMethodParam(bag: ParamBag, stripeVersion: string): void {
  const current = usesAllowedPaymentMethodTypes(stripeVersion);
  const [sent, name, since] = current
    ? ['payment_method_types', 'allowed_payment_method_types', 'from 2026-09-30 on']
    : ['allowed_payment_method_types', 'payment_method_types', 'before 2026-09-30'];
  if (!Object.hasOwn(bag, sent)) return;
  throw new GatewayError(
    'parameter_unknown',
    `Received unknown parameter: ${sent}. Stripe-Version ${stripeVersion} names it \`${name}\` (the name ${since}).`,
    sent,
  );
}

/**
 * On create, an empty metadata value means "not set" (stripe-node sends `metadata[k]=` for null,
 * docs/stripe-checkout-contract.md §2.1, §5.3): the key is dropped, not stored or sent to Loops as "".
 */
function withoutEmptyMetadata(params: ParsedCreateSessionParams): ParsedCreateSessionParams {
  const clean = (metadata: Record<string, string> | undefined) =>
    metadata && Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== ''));
  return {
    ...params,
    metadata: clean(params.metadata),
    line_items: params.line_items.map((item) => {
      const productData = item.price_data?.product_data;
      return {
        ...item,
        metadata: clean(item.metadata),
        ...(item.price_data && productData
          ? { price_data: { ...item.price_data, product_data: { ...productData, metadata: clean(productData.metadata) } } }
          : {}),
      };
    }),
  };
}
