import { z } from 'zod';
import type { LoopsV3Subscription } from '../../loops/loops-schemas';
import type { BillingMode } from '../../stripe/billing-versions';
import { buildPriceObject } from '../../stripe/objects/price-object';
import { buildProductObject } from '../../stripe/objects/product-object';
import type { MappingStore } from '../../store/mapping-store';
import type { SessionStore } from '../../store/session-store';
import { storedPriceSchema } from '../../store/subscription-record';
import { priceFromLoopsSubscription } from '../../translate/loops-subscription-price';
import { priceFactsFromMapping, productFactsFromMapping } from '../../translate/mapping-to-price';
import type { NewSubscriptionFacts } from '../../translate/plan-subscription-sync';
import type { TenantContext } from '../call-context';

export interface SubscriptionFactsDeps {
  sessions: SessionStore;
  mappings: MappingStore;
  /** False when another tenant uses the same Loops account (see `belongsTo`). */
  ownsLoopsAccountAlone: (tenantId: string) => boolean;
}

export interface CreationHints {
  /** The billing mode of the request that created it (default: flexible, the default version's). */
  billingMode?: BillingMode;
  customer?: string;
}

/** The Loops product's tag the mapping tool writes (`npm run map`): the Stripe price it sells. */
const taggedProductSchema = z.object({ metadata: z.object({ stripe_price_id: z.string().min(1) }).loose() }).loose();

/**
 * What the gateway needs to know about a Loops subscription it has not stored yet: whose it is,
 * and the merchant's Stripe price its item shows.
 *
 * Whose: a tenant's Loops account is its own, so a subscription Loops shows it is its. When
 * several tenants share one Loops account, only the checkout that created it tells: it belongs
 * to the tenant that stored its `checkout_session` (undefined for the others).
 *
 * The price, most exact first: the line item of the checkout session the gateway created (the
 * price the merchant sent); else the mapping of the Stripe price the Loops product is tagged with
 * (`metadata.stripe_price_id`); else a price made from Loops' own figures (its price id, amount
 * per unit, interval), for a subscription sold outside the gateway and outside the mapping.
 */
export function createSubscriptionFacts(deps: SubscriptionFactsDeps) {
  return async function factsFor(
    tenant: TenantContext,
    loops: LoopsV3Subscription,
    hints: CreationHints = {},
  ): Promise<NewSubscriptionFacts | undefined> {
    const tenantId = tenant.config.id;
    const session = loops.checkout_session ? await deps.sessions.get(tenantId, loops.checkout_session) : undefined;
    if (!session && !deps.ownsLoopsAccountAlone(tenantId)) return undefined;
    const common = { tenantId, billingMode: hints.billingMode ?? 'flexible', customer: loops.externalCustomerId ?? hints.customer ?? null } as const;

    const item = session?.lineItems[0];
    const fromSession = item ? storedPriceSchema.safeParse(item.price) : undefined;
    if (session && item && fromSession?.success) {
      const product = session.products[fromSession.data.product] ?? null;
      const name = typeof product?.name === 'string' ? product.name : String(item.description ?? fromSession.data.product);
      return { ...common, customer: common.customer ?? session.session.customer, price: fromSession.data, product, productName: name };
    }

    const loopsProduct = await tenant.loops.getProductV3(loops.productId);
    const tag = taggedProductSchema.safeParse(loopsProduct);
    const entry = tag.success ? await deps.mappings.getPrice(tenantId, tag.data.metadata.stripe_price_id) : undefined;
    if (tag.success && entry) {
      const info = entry.stripeProductId ? await deps.mappings.getProduct(tenantId, entry.stripeProductId) : undefined;
      const productFacts = productFactsFromMapping(entry, info);
      return {
        ...common,
        price: storedPriceSchema.parse(buildPriceObject(priceFactsFromMapping(tag.data.metadata.stripe_price_id, entry), loops.livemode)),
        product: buildProductObject(productFacts, loops.livemode),
        productName: productFacts.name,
      };
    }
    return { ...common, price: priceFromLoopsSubscription(loops), product: null, productName: loopsProduct.name || loops.productId };
  };
}

export type SubscriptionFacts = ReturnType<typeof createSubscriptionFacts>;
