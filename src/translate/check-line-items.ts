import { GatewayError } from '../errors';
import { loopsRecurringInterval } from './price-data';
import type { ResolvedLineItem } from './resolved-line-item';

/** What the checks read: the Stripe side of an item, before or after its Loops target is known. */
type CheckedLineItem = Pick<ResolvedLineItem, 'index' | 'price' | 'quantity' | 'adjustableQuantity'>;

/** Stripe's largest charge in minor units (8 digits), which Loops amounts also stay within. */
export const MAX_AMOUNT_TOTAL = 99_999_999;

/**
 * Rules that span line items, checked once every price is known, with Stripe's own wording where
 * Stripe has one: one currency, recurring prices only in subscription mode, Loops-representable
 * intervals, one item in subscription mode, and a total within range.
 */
export function checkLineItems(items: readonly CheckedLineItem[], mode: 'payment' | 'subscription'): { currency: string; amountTotal: number } {
  const currency = items[0]?.price.currency ?? 'usd';
  let amountTotal = 0;
  for (const item of items) {
    const param = `line_items[${item.index}][price]`;
    if (item.price.currency !== currency) {
      throw new GatewayError('parameter_invalid', 'All line items must use the same currency.', param);
    }
    if (item.price.recurring && mode === 'payment') {
      throw new GatewayError(
        'parameter_invalid',
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        param,
      );
    }
    loopsRecurringInterval(item.price.recurring, param);
    if (item.adjustableQuantity?.enabled && item.price.unitAmount === 0) {
      // The final quantity is read back from what Loops charged (final-quantity.ts); at no cost,
      // every quantity charges 0 and the customer's choice could not be known.
      throw new GatewayError(
        'parameter_unsupported',
        `The gateway does not support \`adjustable_quantity\` on a free price: the customer's quantity is read back from the amount Loops charges.`,
        `line_items[${item.index}][adjustable_quantity]`,
      );
    }
    amountTotal += item.price.unitAmount * item.quantity;
  }
  if (mode === 'subscription' && items.length > 1) {
    // docs/loops-contract.md §8.1 [chosen]: a Loops subscription holds one product, so Loops refuses a
    // subscription checkout of several items; said here, naming the parameter, before Loops is asked.
    throw new GatewayError(
      'parameter_unsupported',
      `The gateway supports exactly one line item in \`subscription\` mode (a Loops subscription holds one product); this request has ${items.length}. ` +
        'Sell the other items in a separate `payment` mode session.',
      'line_items',
    );
  }
  if (mode === 'subscription' && !items.some((item) => item.price.recurring)) {
    throw new GatewayError(
      'parameter_invalid',
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      'line_items',
    );
  }
  if (amountTotal > MAX_AMOUNT_TOTAL) {
    throw new GatewayError(
      'parameter_invalid',
      `The total amount must be at most ${MAX_AMOUNT_TOTAL} in the currency's smallest unit.`,
      'line_items',
    );
  }
  return { currency, amountTotal };
}
