import { DEFAULT_STRIPE_VERSION, productFeaturesField } from '../api-version';

export interface ProductFacts {
  id: string;
  name: string;
  description?: string | null;
  images?: string[];
  active?: boolean;
  metadata?: Record<string, string>;
  created?: number;
  defaultPriceId?: string | null;
  unitLabel?: string | null;
  taxCode?: string | null;
  /** Stripe's product `type`; `service` when unknown (what Stripe gives products made in the dashboard). */
  type?: 'service' | 'good';
  statementDescriptor?: string | null;
  /** Defaults to `created`: a product never seen to change was last updated when it was made. */
  updated?: number;
  url?: string | null;
  shippable?: boolean | null;
  marketingFeatures?: { name: string }[];
  packageDimensions?: { height: number; length: number; weight: number; width: number } | null;
}

/**
 * Stripe's `product` object (docs/stripe-billing-contract.md §4), for `GET /v1/products/:id`, expanded
 * `price.product` and product events. `stripeVersion` shapes it (§12): the marketing features are
 * `features` before 2024-04-10, `marketing_features` since; events use the default version.
 */
export function buildProductObject(product: ProductFacts, livemode: boolean, stripeVersion: string = DEFAULT_STRIPE_VERSION) {
  const features = product.marketingFeatures ?? [];
  return {
    id: product.id,
    object: 'product' as const,
    active: product.active ?? true,
    created: product.created ?? 0,
    default_price: product.defaultPriceId ?? null,
    description: product.description ?? null,
    images: product.images ?? [],
    livemode,
    ...(productFeaturesField(stripeVersion) === 'features' ? { features } : { marketing_features: features }),
    metadata: product.metadata ?? {},
    name: product.name,
    package_dimensions: product.packageDimensions ?? null,
    shippable: product.shippable ?? null,
    statement_descriptor: product.statementDescriptor ?? null,
    tax_code: product.taxCode ?? null,
    type: product.type ?? ('service' as const),
    unit_label: product.unitLabel ?? null,
    updated: product.updated ?? product.created ?? 0,
    url: product.url ?? null,
  };
}

export type StripeProduct = ReturnType<typeof buildProductObject>;

/** `DELETE /v1/products/:id`'s answer (docs/stripe-billing-contract.md §2 "Deleted objects"). */
export function buildDeletedProductObject(id: string) {
  return { id, object: 'product' as const, deleted: true as const };
}
