import { createHash } from 'node:crypto';
import { GatewayError } from '../errors';
import { isLoopsError } from '../loops/loops-error';
import type { MappingStore } from '../store/mapping-store';
import type { LineItemParams } from '../stripe/params/create-session-params';
import { loopsErrorToStripe } from '../translate/loops-error-to-stripe';
import { loopsTargetFromMapping, priceFactsFromMapping, productFactsFromMapping } from '../translate/mapping-to-price';
import { describePriceData, loopsProductBodyFor } from '../translate/price-data';
import type { ResolvedLineItem } from '../translate/resolved-line-item';
import type { CallContext } from './call-context';

/**
 * Turns Stripe line items into items known on both sides: a `price` through the tenant's mapping,
 * a `price_data` through a Loops product found (or made once) for that exact content.
 */
export function createLineItemResolver(mappings: MappingStore) {
  async function fromPrice(call: CallContext, item: LineItemParams, index: number, priceId: string): Promise<ResolvedLineItem> {
    const tenantId = call.tenant.config.id;
    const entry = await mappings.getPrice(tenantId, priceId);
    if (!entry) {
      throw new GatewayError(
        'param_resource_missing',
        `No such price: '${priceId}'. The gateway has no Loops product mapped to this Stripe price: add it to mappings/${tenantId}.json ` +
          '(or run `npm run map`) and load it with `npm run mappings -- load`.',
        `line_items[${index}][price]`,
      );
    }
    const product = entry.stripeProductId ? await mappings.getProduct(tenantId, entry.stripeProductId) : undefined;
    return {
      ...common(item, index),
      price: priceFactsFromMapping(priceId, entry),
      product: productFactsFromMapping(entry, product),
      target: loopsTargetFromMapping(entry),
    };
  }

  async function fromPriceData(call: CallContext, item: LineItemParams, index: number): Promise<ResolvedLineItem> {
    const data = item.price_data;
    if (!data) throw new Error('unreachable: fromPriceData without price_data');
    const tenantId = call.tenant.config.id;
    const param = `line_items[${index}][price_data]`;
    const knownProduct = data.product ? await mappings.getProduct(tenantId, data.product) : undefined;
    if (data.product && !knownProduct) {
      throw new GatewayError('param_resource_missing', `No such product: '${data.product}'. Map it with \`npm run map\` first.`, `${param}[product]`);
    }
    const described = describePriceData(tenantId, data, param, knownProduct && { id: data.product ?? '', ...knownProduct });
    let loopsProduct = await mappings.getAdhoc(tenantId, described.contentHash);
    if (!loopsProduct) {
      const body = loopsProductBodyFor(described.price, described.product, described.contentHash, param);
      // The key is the content: concurrent identical price_data requests converge on one Loops product.
      const key = createHash('sha256').update(`product\n${described.contentHash}`).digest('hex');
      try {
        const created = await call.tenant.loops.createProductV3(body, key);
        loopsProduct = { loopsProductId: created.id, loopsPriceId: created.default_price ?? null };
      } catch (error) {
        throw isLoopsError(error) ? loopsErrorToStripe(error, param) : error;
      }
      await mappings.putAdhoc(tenantId, described.contentHash, loopsProduct);
    }
    return {
      ...common(item, index),
      price: described.price,
      product: described.product,
      target: { kind: 'product', productId: loopsProduct.loopsProductId, priceId: loopsProduct.loopsPriceId },
    };
  }

  return function resolveLineItems(call: CallContext, items: LineItemParams[]): Promise<ResolvedLineItem[]> {
    return Promise.all(items.map((item, index) => (item.price ? fromPrice(call, item, index, item.price) : fromPriceData(call, item, index))));
  };
}

export type ResolveLineItems = ReturnType<typeof createLineItemResolver>;

function common(item: LineItemParams, index: number) {
  return {
    index,
    quantity: item.quantity ?? 1,
    adjustableQuantity: item.adjustable_quantity ?? null,
    metadata: item.metadata ?? null,
  };
}
