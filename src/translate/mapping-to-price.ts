import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import type { PriceFacts } from '../stripe/objects/price-object';
import type { ProductFacts } from '../stripe/objects/product-object';
import type { LoopsTarget } from './resolved-line-item';

/** A mapping entry seen from Stripe's side: the merchant's own price and product ids. */
export function priceFactsFromMapping(stripePriceId: string, entry: MappingEntry): PriceFacts {
  return {
    id: stripePriceId,
    productId: entry.stripeProductId ?? entry.loopsProductId ?? entry.loopsPaymentLinkId ?? stripePriceId,
    currency: entry.currency,
    unitAmount: entry.unitAmount,
    recurring: entry.recurring
      ? { interval: entry.recurring.interval, intervalCount: entry.recurring.intervalCount, trialPeriodDays: entry.trialPeriodDays ?? null }
      : null,
    active: entry.active,
    created: entry.created,
    nickname: entry.nickname,
    lookupKey: entry.lookupKey,
    taxBehavior: entry.taxBehavior,
    metadata: entry.metadata,
  };
}

export function productFactsFromMapping(entry: MappingEntry, product: ProductInfo | undefined): ProductFacts {
  return {
    id: entry.stripeProductId ?? entry.loopsProductId ?? entry.loopsPaymentLinkId ?? '',
    name: product?.name ?? entry.productName,
    description: product?.description ?? entry.productDescription ?? null,
    images: product?.images,
    active: product?.active,
    metadata: product?.metadata,
    created: product?.created,
  };
}

export function loopsTargetFromMapping(entry: MappingEntry): LoopsTarget {
  if (entry.loopsPaymentLinkId) return { kind: 'payment_link', paymentLinkId: entry.loopsPaymentLinkId };
  return { kind: 'product', productId: entry.loopsProductId ?? '', priceId: entry.loopsPriceId ?? null };
}

/** A product entry of the mapping file (or one made through the API) as Stripe shows it. */
export function productFactsFromInfo(id: string, info: ProductInfo): ProductFacts {
  return {
    id,
    name: info.name,
    description: info.description ?? null,
    images: info.images,
    active: info.active,
    metadata: info.metadata,
    created: info.created,
    defaultPriceId: info.defaultPriceId ?? null,
    unitLabel: info.unitLabel ?? null,
    taxCode: info.taxCode ?? null,
    ...(info.type ? { type: info.type } : {}),
    statementDescriptor: info.statementDescriptor ?? null,
    ...(info.updated !== undefined ? { updated: info.updated } : {}),
    url: info.url ?? null,
    shippable: info.shippable ?? null,
    marketingFeatures: info.marketingFeatures ?? [],
    packageDimensions: info.packageDimensions ?? null,
  };
}
