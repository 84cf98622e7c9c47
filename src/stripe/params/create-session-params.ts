import { z } from 'zod';
import { GatewayError } from '../../errors';
import { bracketPath } from './bracket-path';
import { CREATE_SESSION_PARAMS, LINE_ITEM_PARAMS, type ParamTreatment } from './create-session-compat';
import { isParamBag, type ParamBag, type ParamValue } from './param-bag';
import { boolean, email, httpUrl, integer, list, metadata, oneOf, optional, text } from './param-schemas';
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
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO currency code')
      .transform((c) => c.toLowerCase()),
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
    allowed_payment_method_types: optional(list(text(100), 50)),
    payment_method_types: optional(list(text(100), 50)),
    expand: optional(list(text(500), 20)),
    locale: optional(text(10)),
    submit_type: optional(oneOf(['auto', 'book', 'donate', 'pay', 'subscribe'])),
    customer_creation: optional(oneOf(['always', 'if_required'])),
    payment_method_collection: optional(oneOf(['always', 'if_required'])),
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
    // Rejected parameters whose accepted values are echoed on the session need a real schema.
    billing_address_collection: optional(oneOf(['auto', 'required'])),
    ui_mode: optional(text(50)),
  })
  .strict();

export type CreateSessionParams = z.output<typeof createSessionSchema>;
export type LineItemParams = z.output<typeof lineItemSchema>;
export type PriceDataParams = z.output<typeof priceDataSchema>;

/** Validates a create request: names, then values, then the rules that span several fields. */
export function parseCreateSessionParams(bag: ParamBag): CreateSessionParams {
  const params = validateParams(createSessionSchema, bag);
  rejectUnsupported(bag, CREATE_SESSION_PARAMS, []);
  const items = params.line_items ?? [];
  items.forEach((item, index) => checkLineItem(item, index, bag));
  if (params.mode === 'setup') {
    throw new GatewayError('parameter_unsupported', 'The gateway does not support `setup` mode: Loops has no setup sessions.', 'mode');
  }
  if (items.length === 0) throw new GatewayError('parameter_missing', 'Missing required param: line_items.', 'line_items');
  if (params.allowed_payment_method_types && params.payment_method_types) {
    throw new GatewayError(
      'parameters_exclusive',
      'You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.',
      'payment_method_types',
    );
  }
  return params;
}

function checkLineItem(item: LineItemParams, index: number, bag: ParamBag): void {
  const at = (field: string) => `line_items[${index}][${field}]`;
  const raw = lineItemBag(bag, index);
  if (raw) rejectUnsupported(raw, LINE_ITEM_PARAMS, ['line_items', index]);
  if (item.price && item.price_data) {
    throw new GatewayError('parameters_exclusive', `You may only specify one of these parameters: ${at('price')}, ${at('price_data')}.`, at('price'));
  }
  if (!item.price && !item.price_data) {
    throw new GatewayError('parameter_missing', `You must specify either \`price\` or \`price_data\` in ${`line_items[${index}]`}.`, at('price'));
  }
  const data = item.price_data;
  if (!data) return;
  const pd = (field: string) => `line_items[${index}][price_data][${field}]`;
  if (data.product && data.product_data) {
    throw new GatewayError(
      'parameters_exclusive',
      `You may only specify one of these parameters: ${pd('product')}, ${pd('product_data')}.`,
      pd('product'),
    );
  }
  if (!data.product && !data.product_data)
    throw new GatewayError('parameter_missing', `Missing required param: ${pd('product_data')}.`, pd('product_data'));
  if (data.unit_amount !== undefined && data.unit_amount_decimal !== undefined) {
    throw new GatewayError(
      'parameters_exclusive',
      `You may only specify one of these parameters: ${pd('unit_amount')}, ${pd('unit_amount_decimal')}.`,
      pd('unit_amount'),
    );
  }
  if (data.unit_amount === undefined && data.unit_amount_decimal === undefined) {
    throw new GatewayError('parameter_missing', `Missing required param: ${pd('unit_amount')}.`, pd('unit_amount'));
  }
}

function lineItemBag(bag: ParamBag, index: number): ParamBag | undefined {
  const items = bag.line_items;
  const item = Array.isArray(items) ? items[index] : isParamBag(items) ? items[String(index)] : undefined;
  return isParamBag(item) ? item : undefined;
}

/** Refuses a known Stripe parameter that Loops cannot honour, naming it and saying why. */
function rejectUnsupported(bag: ParamBag, table: Record<string, ParamTreatment>, prefix: (string | number)[]): void {
  for (const [name, value] of Object.entries(bag)) {
    const entry = table[name];
    if (!entry || entry.treatment !== 'rejected' || value === '' || entry.accepts?.(value)) continue;
    const param = bracketPath([...prefix, name]);
    throw new GatewayError('parameter_unsupported', `The gateway does not support \`${param}\`: ${entry.note}`, param);
  }
}
