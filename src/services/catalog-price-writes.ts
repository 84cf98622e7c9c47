import { isDeepStrictEqual } from 'node:util';
import { GatewayError } from '../errors';
import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import { stableId } from '../stripe/ids';
import type { ProductFacts } from '../stripe/objects/product-object';
import type { ParamBag } from '../stripe/params/param-bag';
import { createPriceSchema, updatePriceSchema, type CreatePriceParams } from '../stripe/params/price-params';
import { validateParams } from '../stripe/params/validate-params';
import { productFactsFromInfo } from '../translate/mapping-to-price';
import type { CallContext } from './call-context';
import { checkPriceTerms, catalogPriceOf, stripeProductJsonOf, type MakeLoopsProduct } from './catalog-new-price';
import { parseCatalogExpand } from '../stripe/params/catalog-params';
import { eventPresentation, renderPrice, renderProduct, type Presentation } from './catalog-render';
import type { CatalogView } from './catalog-snapshots';
import {
  applyMetadata,
  checkRoom,
  nextRevision,
  runCatalogWrite,
  updatedEvent,
  type CatalogWriteDeps,
  type EventDraft,
  type WrittenAnswer,
} from './catalog-write';

export interface CatalogWriteContext extends CatalogWriteDeps {
  makeLoopsProduct: MakeLoopsProduct;
  now: () => number;
}

export const presentationOf = (call: CallContext): Presentation => ({ livemode: call.livemode, stripeVersion: call.stripeVersion });

/**
 * A lookup key moving to another price (`lookup_key` with `transfer_lookup_key`, docs/stripe-billing-contract.md
 * §5): the price that held it loses it, and says so in its own `price.updated`. Without
 * `transfer_lookup_key` a key another price holds is refused.
 */
export function moveLookupKey(
  view: CatalogView,
  priceId: string,
  lookupKey: string | null | undefined,
  transfer: boolean,
  nowMs: number,
  how: Presentation,
) {
  const holder = lookupKey ? view.lookupKeyHolder(lookupKey) : undefined;
  const held = holder === undefined || holder === priceId ? undefined : view.prices.get(holder);
  if (!holder || !held) return { prices: {}, announce: (): EventDraft[] => [] };
  if (!transfer) {
    throw new GatewayError(
      'parameter_invalid',
      `A price (\`${holder}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`,
      'lookup_key',
    );
  }
  const released: MappingEntry = { ...held, lookupKey: null, apiRevision: nextRevision(nowMs, held.apiRevision) };
  return {
    prices: { [holder]: released },
    announce: (next: CatalogView, previous: CatalogView): EventDraft[] =>
      updatedEvent('price.updated', renderPrice(previous, holder, held, how), renderPrice(next, holder, released, how)),
  };
}

/** `prices.create` and `prices.update` (docs/stripe-billing-contract.md §5). */
export function createPriceWrites(ctx: CatalogWriteContext) {
  /**
   * One Loops product per price, made through the mapping tool's converter and duplicate-free
   * create; the price, any product made from `product_data`, a lookup key's move and their events
   * are stored in one step only after Loops answered. A refused create stores nothing.
   */
  async function create(call: CallContext, bag: ParamBag): Promise<WrittenAnswer> {
    const params = validateParams(createPriceSchema, bag);
    const expandProduct = parseCatalogExpand(params.expand, ['product']).has('product');
    if (params.product !== undefined && params.product_data !== undefined) {
      throw new GatewayError('parameters_exclusive', 'You may only specify one of these parameters: product, product_data.', 'product_data');
    }
    if (params.product === undefined && params.product_data === undefined) {
      throw new GatewayError('parameter_missing', 'Missing required param: product.', 'product');
    }
    const how = presentationOf(call);
    const events = eventPresentation(call.livemode);
    // Derived from the operation: a retry of the same request names the same price (and product).
    const priceId = stableId('price', `${call.operationKey}\nprice`);
    const created = Math.floor(call.startedAtMs / 1000);
    let made: MappingEntry | undefined;

    return runCatalogWrite(ctx, call, async (view) => {
      const existing = view.prices.get(priceId);
      if (existing) return { kind: 'answer', object: renderPrice(view, priceId, existing, how, expandProduct) };
      const revision = nextRevision(ctx.now(), undefined);
      const { product, newProduct } = productFor(view, params, call, created, revision);
      checkRoom(view, 1, newProduct ? 1 : 0);
      const price = catalogPriceOf(priceId, product.id, params, created);
      const productJson = stripeProductJsonOf(product);
      checkPriceTerms(params, '', price, productJson);
      const lookup = moveLookupKey(view, priceId, params.lookup_key, params.transfer_lookup_key ?? false, ctx.now(), events);
      made ??= await ctx.makeLoopsProduct(call, price, productJson);
      const entry: MappingEntry = { ...made, apiRevision: revision };
      return {
        kind: 'change',
        change: { prices: { ...lookup.prices, [priceId]: entry }, ...(newProduct ? { products: { [product.id]: newProduct } } : {}) },
        announce: (next, previous) => [
          ...(newProduct ? [{ type: 'product.created', object: renderProduct(next, productFactsFromInfo(product.id, newProduct), events) }] : []),
          { type: 'price.created', object: renderPrice(next, priceId, entry, events) },
          ...lookup.announce(next, previous),
        ],
        respond: (next) => renderPrice(next, priceId, entry, how, expandProduct),
      };
    });
  }

  /**
   * What Stripe lets change: `active`, `metadata`, `nickname`, `lookup_key`, `tax_behavior`.
   * Loops is not told (the contract has no product update, docs/loops-contract.md §3.3): none of these
   * changes what Loops charges, and an archived price is refused by the gateway's checkout.
   */
  async function update(call: CallContext, id: string, bag: ParamBag): Promise<WrittenAnswer> {
    const params = validateParams(updatePriceSchema, bag);
    const expandProduct = parseCatalogExpand(params.expand, ['product']).has('product');
    if (params.currency_options !== undefined) {
      throw new GatewayError('parameter_unsupported', 'Loops cannot represent this price: a Loops product charges one currency.', 'currency_options');
    }
    const how = presentationOf(call);
    const events = eventPresentation(call.livemode);
    return runCatalogWrite(ctx, call, async (view) => {
      const current = view.prices.get(id);
      if (!current) throw new GatewayError('resource_missing', `No such price: '${id}'`, 'id');
      const next: MappingEntry = { ...current };
      if (params.active !== undefined) next.active = params.active;
      if (
        params.active === false &&
        current.active !== false &&
        current.stripeProductId &&
        view.product(current.stripeProductId)?.defaultPriceId === id
      ) {
        throw new GatewayError('invalid_state', 'This price cannot be archived because it is the default price of its product.', 'active');
      }
      if (params.nickname !== undefined) next.nickname = params.nickname === '' ? null : params.nickname;
      const metadata = applyMetadata(current.metadata, params.metadata);
      if (metadata !== undefined) next.metadata = metadata;
      if (params.tax_behavior !== undefined) {
        const fixed = current.taxBehavior === 'inclusive' || current.taxBehavior === 'exclusive';
        if (fixed && params.tax_behavior !== current.taxBehavior) {
          throw new GatewayError('parameter_invalid', `tax_behavior cannot be changed once it is set to ${current.taxBehavior}.`, 'tax_behavior');
        }
        next.taxBehavior = params.tax_behavior;
      }
      let lookup = { prices: {} as Record<string, MappingEntry>, announce: (_next: CatalogView, _previous: CatalogView): EventDraft[] => [] };
      if (params.lookup_key !== undefined) {
        next.lookupKey = params.lookup_key === '' ? null : params.lookup_key;
        lookup = moveLookupKey(view, id, next.lookupKey, params.transfer_lookup_key ?? false, ctx.now(), events);
      }
      if (isDeepStrictEqual(next, current)) return { kind: 'answer', object: renderPrice(view, id, current, how, expandProduct) };
      next.apiRevision = nextRevision(ctx.now(), current.apiRevision);
      return {
        kind: 'change',
        change: { prices: { ...lookup.prices, [id]: next } },
        announce: (after, before) => [
          ...lookup.announce(after, before),
          ...updatedEvent('price.updated', renderPrice(before, id, current, events), renderPrice(after, id, next, events)),
        ],
        respond: (after) => renderPrice(after, id, next, how, expandProduct),
      };
    });
  }

  return { create, update };
}

/**
 * The product a new price belongs to: an existing one (`product`), or one made with it
 * (`product_data`, its id the caller's or derived from the operation).
 */
function productFor(
  view: CatalogView,
  params: CreatePriceParams,
  call: CallContext,
  created: number,
  revision: number,
): { product: ProductFacts; newProduct?: ProductInfo } {
  if (params.product !== undefined) {
    const product = view.product(params.product);
    if (!product) throw new GatewayError('param_resource_missing', `No such product: '${params.product}'`, 'product');
    return { product };
  }
  const data = params.product_data;
  if (!data) throw new Error('unreachable: product or product_data is checked before');
  const id = data.id ?? stableId('prod', `${call.operationKey}\nproduct_data`);
  if (view.product(id)) throw new GatewayError('resource_already_exists', `Product already exists: '${id}'`, 'product_data[id]');
  const newProduct: ProductInfo = {
    name: data.name,
    active: data.active ?? true,
    images: [],
    metadata: data.metadata ?? {},
    created,
    updated: created,
    type: 'service',
    ...(data.statement_descriptor !== undefined ? { statementDescriptor: data.statement_descriptor } : {}),
    ...(data.tax_code !== undefined ? { taxCode: data.tax_code } : {}),
    ...(data.unit_label !== undefined ? { unitLabel: data.unit_label } : {}),
    apiRevision: revision,
  };
  return { product: productFactsFromInfo(id, newProduct), newProduct };
}
