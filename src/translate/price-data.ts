import { createHash } from 'node:crypto';
import { GatewayError } from '../errors';
import type { LoopsV3CreateProductBody } from '../loops/loops-schemas';
import { buildLoopsProductBody } from '../mapping-tool/convert/convert-price';
import { loopsIntervalOf } from '../mapping-tool/convert/loops-interval';
import { stableId } from '../stripe/ids';
import type { PriceDataParams } from '../stripe/params/create-session-params';
import type { PriceFacts } from '../stripe/objects/price-object';
import type { ProductFacts } from '../stripe/objects/product-object';

/**
 * Loops products and sessions recur monthly or yearly only (docs/loops-contract.md §3.3 `recurringInterval`);
 * the rule is the mapping tool's (`loopsIntervalOf`: every 12 months is yearly), refused here
 * with a 400 naming `param` when it has no answer.
 */
export function loopsRecurringInterval(recurring: PriceFacts['recurring'], param: string): 'month' | 'year' | undefined {
  if (!recurring) return undefined;
  const interval = loopsIntervalOf({ interval: recurring.interval, interval_count: recurring.intervalCount });
  if (!interval) {
    throw new GatewayError(
      'parameter_unsupported',
      `Loops only supports prices that recur every month or every year (every 12 months counts as yearly); ${recurring.intervalCount} ${recurring.interval}(s) cannot be represented.`,
      param,
    );
  }
  return interval;
}

/**
 * The recurrence a price is shown with: what Loops bills (`loopsIntervalOf`), as the mapping tool
 * records it (convert-price.ts) and `prices.create` shows it, so every 12 months is `year` × 1
 * wherever the price came from. One Loops cannot bill is kept as asked, for its refusal.
 */
function billedAs(recurring: PriceFacts['recurring']): PriceFacts['recurring'] {
  if (!recurring) return null;
  const interval = loopsIntervalOf({ interval: recurring.interval, interval_count: recurring.intervalCount });
  return interval ? { interval, intervalCount: 1 } : recurring;
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
  const requested = data.recurring ? { interval: data.recurring.interval, intervalCount: data.recurring.interval_count ?? 1 } : null;
  const productContent = data.product ?? JSON.stringify(data.product_data ?? {});
  const productId = data.product ?? stableId('prod', `${tenantId}\n${productContent}`);
  // The ids follow what was asked for (as they always have), so a price_data keeps its ids.
  const content = JSON.stringify([data.currency, unitAmount, requested, productContent]);
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
    recurring: billedAs(requested),
    taxBehavior: data.tax_behavior ?? null,
  };
  return { contentHash, price, product: productFacts };
}

/** The Loops V3 product that stands for an ad-hoc price: the mapping tool's builder, tagged with the content. */
export function loopsProductBodyFor(price: PriceFacts, product: ProductFacts, contentHash: string, param: string): LoopsV3CreateProductBody {
  return buildLoopsProductBody({
    stripePriceId: price.id,
    stripeProductId: product.id,
    name: product.name,
    description: product.description,
    images: product.images,
    unitLabel: product.unitLabel,
    taxCode: product.taxCode,
    unitAmount: price.unitAmount,
    currency: price.currency,
    interval: loopsRecurringInterval(price.recurring, `${param}[recurring]`),
    extraMetadata: { gateway_price_data: contentHash.slice(0, 32) },
  });
}
