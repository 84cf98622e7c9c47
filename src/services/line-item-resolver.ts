import { createHash } from 'node:crypto';
import { GatewayError } from '../errors';
import { isLoopsError } from '../loops/loops-error';
import type { LoopsV3CreateProductBody, LoopsV3Product } from '../loops/loops-schemas';
import type { AdhocProduct, MappingStore } from '../store/mapping-store';
import type { IndexedLineItem } from '../stripe/params/create-session-params';
import { loopsErrorToStripe } from '../translate/loops-error-to-stripe';
import { loopsTargetFromMapping, priceFactsFromMapping, productFactsFromMapping } from '../translate/mapping-to-price';
import { describePriceData, loopsProductBodyFor } from '../translate/price-data';
import type { ResolvedLineItem } from '../translate/resolved-line-item';
import type { CallContext } from './call-context';
import type { InFlightCreates } from './in-flight-creates';

/** A line item known on the Stripe side; a `price_data` one may still need its Loops product. */
export type DescribedLineItem = Omit<ResolvedLineItem, 'target'> & {
  target:
    | ResolvedLineItem['target']
    /** Its Loops product is still to be made; `mappedProduct`: the price names a mapped Stripe product. */
    | { kind: 'adhoc'; contentHash: string; body: LoopsV3CreateProductBody; param: string; mappedProduct: boolean };
};

export interface LineItemResolverDeps {
  mappings: MappingStore;
  inFlight: InFlightCreates;
}

/**
 * Turns Stripe line items into items known on both sides: a `price` through the tenant's mapping,
 * a `price_data` through a Loops product found (or made once) for that exact content.
 *
 * Two phases, so a refused request leaves nothing behind: every item is looked up and described
 * first, then `checkBeforeLoops` (the rules across items) runs, and only then are missing Loops
 * products made. A request whose second item is unmapped never creates the first item's product.
 */
export function createLineItemResolver({ mappings, inFlight }: LineItemResolverDeps) {
  async function fromPrice(call: CallContext, item: IndexedLineItem, priceId: string): Promise<DescribedLineItem> {
    const tenantId = call.tenant.config.id;
    const entry = await mappings.getPrice(tenantId, priceId);
    if (!entry) {
      throw new GatewayError(
        'param_resource_missing',
        `No such price: '${priceId}'. The gateway has no Loops product mapped to this Stripe price: add it to mappings/${tenantId}.json ` +
          '(or run `npm run map`) and load it with `npm run mappings -- load`.',
        `line_items[${item.index}][price]`,
      );
    }
    if (entry.active === false) {
      // Stripe's answer to a Checkout line item with an archived price (docs/stripe-billing-contract.md §5 `active`).
      throw new GatewayError(
        'parameter_invalid',
        'The price specified is inactive. This field only accepts active prices.',
        `line_items[${item.index}][price]`,
      );
    }
    const product = entry.stripeProductId ? await mappings.getProduct(tenantId, entry.stripeProductId) : undefined;
    return {
      ...common(item),
      price: priceFactsFromMapping(priceId, entry),
      product: productFactsFromMapping(entry, product),
      target: loopsTargetFromMapping(entry),
    };
  }

  async function fromPriceData(call: CallContext, item: IndexedLineItem): Promise<DescribedLineItem> {
    const data = item.price_data;
    if (!data) throw new Error('unreachable: fromPriceData without price_data');
    const tenantId = call.tenant.config.id;
    const param = `line_items[${item.index}][price_data]`;
    const knownProduct = data.product ? await mappings.getProduct(tenantId, data.product) : undefined;
    if (data.product && !knownProduct) {
      throw new GatewayError('param_resource_missing', `No such product: '${data.product}'. Map it with \`npm run map\` first.`, `${param}[product]`);
    }
    const described = describePriceData(tenantId, data, param, knownProduct && { id: data.product ?? '', ...knownProduct });
    // Built (and so checked) now, whether or not the product exists: the same request always
    // meets the same rules.
    const body = loopsProductBodyFor(described.price, described.product, described.contentHash, param);
    const existing = await mappings.getAdhoc(tenantId, described.contentHash);
    const facts = { ...common(item), price: described.price, product: described.product };
    const mappedProduct = knownProduct !== undefined;
    if (existing) return withAdhocProduct(facts, existing, mappedProduct);
    return { ...facts, target: { kind: 'adhoc', contentHash: described.contentHash, body, param, mappedProduct } };
  }

  /**
   * The Loops product for an ad-hoc price, made once: the key is the content, so concurrent
   * identical requests converge — in Loops through its `Idempotency-Key`, and on this instance by
   * sharing one request (in-flight-creates.ts), which also covers a retry while a timed-out
   * create still lingers.
   */
  async function makeAdhocProduct(call: CallContext, contentHash: string, body: LoopsV3CreateProductBody, param: string): Promise<AdhocProduct> {
    const key = createHash('sha256').update(`product\n${contentHash}`).digest('hex');
    let made: LoopsV3Product;
    try {
      made = await (inFlight.find<LoopsV3Product>(key) ?? sendProduct(call, key, contentHash, body));
    } catch (error) {
      throw isLoopsError(error) ? loopsErrorToStripe(error, param) : error;
    }
    const product = adhocProductOf(made);
    await mappings.putAdhoc(call.tenant.config.id, contentHash, product);
    return product;
  }

  function sendProduct(call: CallContext, key: string, contentHash: string, body: LoopsV3CreateProductBody): Promise<LoopsV3Product> {
    const request = inFlight.send(key, (options) => call.tenant.loops.createProductV3(body, key, options));
    // An answer that comes after this request gave up is kept all the same, so the next request
    // with this content (on any instance) finds the product instead of making another.
    request.catch((error: unknown) => {
      const late = isLoopsError(error) ? error.unresolved?.lateAnswer : undefined;
      late
        ?.then((made) => mappings.putAdhoc(call.tenant.config.id, contentHash, adhocProductOf(made as LoopsV3Product)))
        .then(
          () => call.logger.info({ contentHash }, 'kept the ad-hoc Loops product of a create Loops answered late'),
          () => undefined,
        );
    });
    return request;
  }

  /** `checkBeforeLoops` runs once every item is described, before any Loops call; its result is passed back. */
  return async function resolveLineItems<Checked>(
    call: CallContext,
    items: IndexedLineItem[],
    checkBeforeLoops: (described: DescribedLineItem[]) => Checked,
  ): Promise<{ items: ResolvedLineItem[]; checked: Checked }> {
    const described = await Promise.all(items.map((item) => (item.price ? fromPrice(call, item, item.price) : fromPriceData(call, item))));
    const checked = checkBeforeLoops(described);
    const resolved = await Promise.all(
      described.map(async (item) => {
        const { target } = item;
        if (target.kind !== 'adhoc') return { ...item, target };
        const product = await makeAdhocProduct(call, target.contentHash, target.body, target.param);
        return withAdhocProduct(item, product, target.mappedProduct);
      }),
    );
    return { items: resolved, checked };
  };
}

export type ResolveLineItems = ReturnType<typeof createLineItemResolver>;

/**
 * An ad-hoc price (and a product made from its `product_data`) exists since its Loops product
 * does: that creation time is its stable `created` (unknown for entries stored before it was kept).
 */
function withAdhocProduct(item: Omit<DescribedLineItem, 'target'>, product: AdhocProduct, mappedProduct: boolean): ResolvedLineItem {
  const created = product.created;
  return {
    ...item,
    price: { ...item.price, created },
    product: mappedProduct ? item.product : { ...item.product, created },
    target: { kind: 'product', productId: product.loopsProductId, priceId: product.loopsPriceId },
  };
}

function adhocProductOf(made: LoopsV3Product): AdhocProduct {
  return {
    loopsProductId: made.id,
    loopsPriceId: made.default_price ?? null,
    ...(typeof made.created === 'number' ? { created: Math.floor(made.created) } : {}),
  };
}

function common(item: IndexedLineItem) {
  return {
    index: item.index,
    quantity: item.quantity ?? 1,
    adjustableQuantity: item.adjustable_quantity ?? null,
    metadata: item.metadata ?? null,
  };
}
