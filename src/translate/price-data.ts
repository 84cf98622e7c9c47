import { createHash } from 'node:crypto';
import { GatewayError } from '../errors';
import type { LoopsV3CreateProductBody } from '../loops/loops-schemas';
import { toLoopsV3Amount } from '../loops/v3-amounts';
import { stableId } from '../stripe/ids';
import type { PriceDataParams } from '../stripe/params/create-session-params';
import type { PriceFacts } from '../stripe/objects/price-object';
import type { ProductFacts } from '../stripe/objects/product-object';

/** Loops products and sessions recur monthly or yearly only (loops-api.md §3.3 `recurringInterval`). */
export function loopsRecurringInterval(recurring: PriceFacts['recurring'], param: string): 'month' | 'year' | undefined {
  if (!recurring) return undefined;
  if ((recurring.interval !== 'month' && recurring.interval !== 'year') || recurring.intervalCount !== 1) {
    throw new GatewayError(
      'parameter_unsupported',
      `Loops only supports prices that recur every month or every year; ${recurring.intervalCount} ${recurring.interval}(s) cannot be represented.`,
      param,
    );
  }
  return recurring.interval;
}

/** Whole minor units from `unit_amount` or `unit_amount_decimal` (Loops has no fractional cents). */
export function unitAmountOf(data: PriceDataParams, param: string): number {
  if (data.unit_amount !== undefined) return data.unit_amount;
  const decimal = data.unit_amount_decimal ?? '';
  const [whole = '', fraction = ''] = decimal.split('.');
  if (/[1-9]/.test(fraction)) {
    throw new GatewayError(
      'parameter_unsupported',
      `Loops amounts are whole minor units; ${decimal} has a fraction of one.`,
      `${param}[unit_amount_decimal]`,
    );
  }
  return Number(whole);
}

/**
 * An ad-hoc price's identity is its content: the same `price_data` always gets the same Stripe
 * price id, product id and Loops product, so repeated checkouts do not pile up Loops products.
 */
export function describePriceData(tenantId: string, data: PriceDataParams, param: string, product: ProductFacts | undefined) {
  const unitAmount = unitAmountOf(data, param);
  const recurring = data.recurring ? { interval: data.recurring.interval, intervalCount: data.recurring.interval_count ?? 1 } : null;
  const productContent = data.product ?? JSON.stringify(data.product_data ?? {});
  const productId = data.product ?? stableId('prod', `${tenantId}\n${productContent}`);
  const content = JSON.stringify([data.currency, unitAmount, recurring, productContent]);
  const contentHash = createHash('sha256').update(`${tenantId}\n${content}`).digest('hex');
  const productFacts: ProductFacts = product ?? {
    id: productId,
    name: data.product_data?.name ?? productId,
    description: data.product_data?.description ?? null,
    images: data.product_data?.images ?? [],
    metadata: data.product_data?.metadata ?? {},
    unitLabel: data.product_data?.unit_label ?? null,
    taxCode: data.product_data?.tax_code ?? null,
  };
  const price: PriceFacts = {
    id: stableId('price', contentHash),
    productId,
    currency: data.currency,
    unitAmount,
    recurring,
    taxBehavior: data.tax_behavior ?? null,
  };
  return { contentHash, price, product: productFacts };
}

/** The Loops V3 product that stands for an ad-hoc price (loops-api.md §3.3). */
export function loopsProductBodyFor(price: PriceFacts, product: ProductFacts, contentHash: string, param: string): LoopsV3CreateProductBody {
  const interval = loopsRecurringInterval(price.recurring, `${param}[recurring]`);
  return {
    name: product.name,
    ...(product.description ? { description: product.description } : {}),
    ...(product.images && product.images.length > 0 ? { images: product.images } : {}),
    metadata: { stripe_price_id: price.id, stripe_product_id: product.id, gateway_price_data: contentHash.slice(0, 32) },
    amountType: 'FIXED',
    priceAmount: toLoopsV3Amount(price.unitAmount, price.currency),
    priceCurrency: price.currency,
    ...(interval ? { recurringInterval: interval } : {}),
    ...(product.unitLabel ? { unit_label: product.unitLabel } : {}),
    ...(product.taxCode ? { tax_code: product.taxCode } : {}),
  };
}
