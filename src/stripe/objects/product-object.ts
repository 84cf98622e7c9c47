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
}

/** Stripe's `product` object, for expanded `price.product` and `GET /v1/products/:id`. */
export function buildProductObject(product: ProductFacts, livemode: boolean) {
  return {
    id: product.id,
    object: 'product' as const,
    active: product.active ?? true,
    created: product.created ?? 0,
    default_price: product.defaultPriceId ?? null,
    description: product.description ?? null,
    images: product.images ?? [],
    livemode,
    marketing_features: [],
    metadata: product.metadata ?? {},
    name: product.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: product.statementDescriptor ?? null,
    tax_code: product.taxCode ?? null,
    type: product.type ?? ('service' as const),
    unit_label: product.unitLabel ?? null,
    updated: product.updated ?? product.created ?? 0,
    url: null,
  };
}

export type StripeProduct = ReturnType<typeof buildProductObject>;
