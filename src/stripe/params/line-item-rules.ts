import { GatewayError } from '../../errors';
import { LINE_ITEM_PARAMS } from './create-session-compat';
import type { IndexedLineItem } from './create-session-params';
import { isParamBag, type ParamBag } from './param-bag';
import { rejectUnsupported } from './reject-unsupported';

/** Stripe's `adjustable_quantity` defaults (docs/stripe-checkout-contract.md §5.3). */
export const ADJUSTABLE_QUANTITY_DEFAULTS = { minimum: 0, maximum: 99 } as const;

/**
 * Loops takes `adjustable_quantity` but its session object reports only the total charged
 * (docs/loops-contract.md §3.2: no line items). The gateway reads the customer's final quantity back from
 * that total, which is only unambiguous for one adjustable item (apply-loops-state.ts); Stripe's
 * own bounds rules are checked too, so Loops never sees a quantity outside them.
 */
export function checkAdjustableItems(items: IndexedLineItem[]): void {
  const adjustable = items.filter((item) => item.adjustable_quantity?.enabled);
  const second = adjustable[1];
  if (second) {
    throw new GatewayError(
      'parameter_unsupported',
      `The gateway supports \`adjustable_quantity\` on one line item per session (here also line_items[${adjustable[0]?.index}]): ` +
        'Loops reports only the total paid, from which one final quantity can be read back, not several.',
      `line_items[${second.index}][adjustable_quantity]`,
    );
  }
  for (const item of adjustable) {
    const bounds = item.adjustable_quantity;
    const minimum = bounds?.minimum ?? ADJUSTABLE_QUANTITY_DEFAULTS.minimum;
    const maximum = bounds?.maximum ?? ADJUSTABLE_QUANTITY_DEFAULTS.maximum;
    const param = `line_items[${item.index}][adjustable_quantity]`;
    if (minimum > maximum) {
      throw new GatewayError(
        'parameter_invalid',
        `Invalid ${param}: minimum (${minimum}) must not exceed maximum (${maximum}).`,
        `${param}[minimum]`,
      );
    }
    const quantity = item.quantity ?? 1;
    if (quantity < minimum || quantity > maximum) {
      throw new GatewayError(
        'parameter_invalid',
        `Invalid line_items[${item.index}][quantity]: ${quantity} must lie within adjustable_quantity's minimum (${minimum}) and maximum (${maximum}).`,
        `line_items[${item.index}][quantity]`,
      );
    }
  }
}

/** One line item's own rules: exactly one price source, one product source, one amount. */
export function checkLineItem(item: IndexedLineItem, bag: ParamBag): void {
  const index = item.index;
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
