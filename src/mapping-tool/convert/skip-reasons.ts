import { stripeChargeStep } from '../../stripe/money';
import { EXPAND_PRODUCT_HINT, type Catalog, type CatalogPrice } from '../catalog/catalog';
import { loopsIntervalOf } from './loops-interval';
import { formatMoney, isSupportedCurrency } from './loops-money';

/** Why a price was not mapped; `code` groups the summary, `reason` tells the merchant what to do. */
export interface SkipReason {
  code: SkipCode;
  reason: string;
}

export type SkipCode =
  | 'unreadable'
  | 'product_missing'
  | 'product_deleted'
  | 'inactive_price'
  | 'inactive_product'
  | 'tiered'
  | 'metered'
  | 'custom_amount'
  | 'transform_quantity'
  | 'interval'
  | 'interval_count'
  | 'currency'
  | 'no_amount'
  | 'fractional_amount'
  | 'amount_precision';

/**
 * What a Loops V3 product can be (docs/loops-contract.md §3.3): one fixed amount in one currency, once or
 * every month or year. A price that needs more is reported, never approximated: mapping a tiered
 * or weekly price to a fixed monthly product would charge customers the wrong amount.
 */
export function skipReasonFor(price: CatalogPrice, catalog: Catalog, includeInactive: boolean): SkipReason | undefined {
  const product = catalog.products.get(price.productId);
  if (catalog.deletedProducts.has(price.productId)) return skip('product_deleted', `its product ${price.productId} was deleted in Stripe`);
  if (!product) return skip('product_missing', `its product ${price.productId} is not in the catalog that was read: ${EXPAND_PRODUCT_HINT}`);
  if (!includeInactive && !price.active) return skip('inactive_price', 'the price is archived in Stripe (pass --include-inactive to map it)');
  if (!includeInactive && !product.active)
    return skip('inactive_product', `its product ${product.id} is archived in Stripe (pass --include-inactive to map it)`);
  if (price.billing_scheme === 'tiered' || price.tiers_mode)
    return skip('tiered', `tiered pricing (tiers_mode ${price.tiers_mode ?? 'unknown'}): a Loops product has one fixed amount`);
  const recurring = price.recurring;
  if (recurring && (recurring.usage_type === 'metered' || recurring.meter))
    return skip('metered', 'metered usage billing: a Loops product bills a fixed amount per period');
  if (price.custom_unit_amount)
    return skip('custom_amount', 'the customer chooses the amount (custom_unit_amount): the gateway maps fixed amounts only');
  if (price.transform_quantity)
    return skip('transform_quantity', `package pricing (transform_quantity divide_by ${price.transform_quantity.divide_by}): Loops charges per unit`);
  if (recurring && recurring.interval !== 'month' && recurring.interval !== 'year')
    return skip('interval', `bills every ${recurring.interval}: Loops recurs monthly or yearly only`);
  if (recurring && !loopsIntervalOf(recurring))
    return skip('interval_count', `bills every ${recurring.interval_count} ${recurring.interval}s: Loops recurs every month or every year only`);
  if (!isSupportedCurrency(price.currency)) return skip('currency', `currency "${price.currency}" is not an ISO 4217 currency Loops can charge`);
  return amountProblem(price);
}

/** Loops amounts are whole minor units: a fraction of a cent cannot be charged. */
function amountProblem(price: CatalogPrice): SkipReason | undefined {
  const decimal = price.unit_amount_decimal ?? undefined;
  if (decimal !== undefined && !/^\d+(\.0*)?$/.test(decimal)) {
    return skip('fractional_amount', `unit_amount_decimal ${decimal} is not a whole number of minor units`);
  }
  if (price.unit_amount === null || price.unit_amount === undefined) {
    if (decimal === undefined) return skip('no_amount', 'the price has no unit_amount');
  } else if (price.unit_amount < 0) {
    return skip('no_amount', `unit_amount ${price.unit_amount} is negative`);
  }
  const step = stripeChargeStep(price.currency);
  const amount = unitAmountOf(price);
  if (amount % step !== 0) {
    return skip(
      'amount_precision',
      `${formatMoney(amount, price.currency)}: Stripe charges ${price.currency.toUpperCase()} only in steps of ${step} minor units ` +
        `(${formatMoney(step, price.currency)}), so this price cannot be charged as it stands; round it in Stripe, then map it`,
    );
  }
  return undefined;
}

/** Whole minor units, from `unit_amount` or an integral `unit_amount_decimal`. */
export function unitAmountOf(price: CatalogPrice): number {
  if (price.unit_amount !== null && price.unit_amount !== undefined) return price.unit_amount;
  return Number((price.unit_amount_decimal ?? '0').split('.')[0]);
}

const skip = (code: SkipCode, reason: string): SkipReason => ({ code, reason });
