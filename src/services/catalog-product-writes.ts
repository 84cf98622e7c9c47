import { isDeepStrictEqual } from 'node:util';
import { GatewayError } from '../errors';
import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import { stableId } from '../stripe/ids';
import { buildDeletedProductObject, type ProductFacts } from '../stripe/objects/product-object';
import type { ParamBag } from '../stripe/params/param-bag';
import { createProductSchema, deleteProductSchema, updateProductSchema } from '../stripe/params/product-params';
import { validateParams } from '../stripe/params/validate-params';
import { productFactsFromInfo } from '../translate/mapping-to-price';
import type { CallContext } from './call-context';
import { catalogPriceOf, checkPriceTerms, stripeProductJsonOf } from './catalog-new-price';
import { marketingFeaturesParam, parseCatalogExpand } from '../stripe/params/catalog-params';
import { presentationOf, type CatalogWriteContext } from './catalog-price-writes';
import { eventPresentation, renderPrice, renderProduct } from './catalog-render';
import { applyMetadata, checkRoom, nextRevision, runCatalogWrite, updatedEvent, type WrittenAnswer } from './catalog-write';

/** `products.create`, `products.update` and `products.del` (docs/stripe-billing-contract.md §4). */
export function createProductWrites(ctx: CatalogWriteContext) {
  /**
   * A product, and with `default_price_data` its default price, whose Loops product is made first
   * (as `prices.create` makes it); both and their events are stored in one step.
   */
  async function create(call: CallContext, bag: ParamBag): Promise<WrittenAnswer> {
    const params = validateParams(createProductSchema, bag);
    const features = marketingFeaturesParam(params, call.stripeVersion);
    const expandDefaultPrice = parseCatalogExpand(params.expand, ['default_price']).has('default_price');
    const how = presentationOf(call);
    const events = eventPresentation(call.livemode);
    const id = params.id ?? stableId('prod', `${call.operationKey}\nproduct`);
    const defaultPrice = params.default_price_data;
    const priceId = defaultPrice ? stableId('price', `${call.operationKey}\ndefault_price`) : undefined;
    const created = Math.floor(call.startedAtMs / 1000);
    let made: MappingEntry | undefined;

    return runCatalogWrite(ctx, call, async (view) => {
      const existing = view.product(id);
      if (existing) {
        // A generated id is this operation's own: its retry finds its product.
        if (params.id === undefined) return { kind: 'answer', object: renderProduct(view, existing, how, expandDefaultPrice) };
        throw new GatewayError('resource_already_exists', `Product already exists: '${id}'`, 'id');
      }
      checkRoom(view, priceId ? 1 : 0, 1);
      const info: ProductInfo = {
        name: params.name,
        description: params.description ?? null,
        images: params.images ?? [],
        active: params.active ?? true,
        metadata: params.metadata ?? {},
        created,
        updated: created,
        type: params.type ?? 'service',
        defaultPriceId: priceId ?? null,
        unitLabel: params.unit_label ?? null,
        taxCode: params.tax_code ?? null,
        statementDescriptor: params.statement_descriptor ?? null,
        url: params.url ?? null,
        shippable: params.shippable ?? null,
        marketingFeatures: features ?? [],
        packageDimensions: params.package_dimensions ?? null,
        apiRevision: nextRevision(ctx.now(), undefined),
      };
      const prices: Record<string, MappingEntry> = {};
      if (defaultPrice && priceId) {
        const terms = defaultPrice;
        const price = catalogPriceOf(priceId, id, terms, created);
        const productJson = stripeProductJsonOf(productFactsFromInfo(id, info));
        checkPriceTerms(terms, 'default_price_data', price, productJson);
        made ??= await ctx.makeLoopsProduct(call, price, productJson);
        prices[priceId] = { ...made, apiRevision: info.apiRevision };
      }
      return {
        kind: 'change',
        change: { products: { [id]: info }, prices },
        announce: (next) => [
          { type: 'product.created', object: renderProduct(next, productFactsFromInfo(id, info), events) },
          ...Object.entries(prices).map(([priceId, entry]) => ({ type: 'price.created', object: renderPrice(next, priceId, entry, events) })),
        ],
        respond: (next) => renderProduct(next, productFactsFromInfo(id, info), how, expandDefaultPrice),
      };
    });
  }

  /**
   * The product's own fields and `default_price` (a price of this product). Loops is not told (the
   * contract has no product update, docs/loops-contract.md §3.3): the names Loops shows on its page stay as
   * they were when each price's Loops product was made.
   */
  async function update(call: CallContext, id: string, bag: ParamBag): Promise<WrittenAnswer> {
    const params = validateParams(updateProductSchema, bag);
    const features = marketingFeaturesParam(params, call.stripeVersion);
    const expandDefaultPrice = parseCatalogExpand(params.expand, ['default_price']).has('default_price');
    const how = presentationOf(call);
    const events = eventPresentation(call.livemode);
    return runCatalogWrite(ctx, call, async (view) => {
      const facts = view.product(id);
      if (!facts) throw new GatewayError('resource_missing', `No such product: '${id}'`, 'id');
      // A product a hand-written file describes only through its prices gets an entry of its own.
      const current = view.products.get(id) ?? infoOf(facts);
      const next: ProductInfo = { ...current };
      if (params.name !== undefined) next.name = params.name;
      if (params.active !== undefined) next.active = params.active;
      if (params.description !== undefined) next.description = params.description === '' ? null : params.description;
      if (params.images !== undefined) next.images = params.images === '' ? [] : params.images;
      if (features !== undefined) next.marketingFeatures = features === '' ? [] : features;
      if (params.package_dimensions !== undefined) next.packageDimensions = params.package_dimensions === '' ? null : params.package_dimensions;
      if (params.shippable !== undefined) next.shippable = params.shippable;
      if (params.statement_descriptor !== undefined) next.statementDescriptor = params.statement_descriptor;
      if (params.tax_code !== undefined) next.taxCode = params.tax_code === '' ? null : params.tax_code;
      if (params.unit_label !== undefined) next.unitLabel = params.unit_label === '' ? null : params.unit_label;
      if (params.url !== undefined) next.url = params.url === '' ? null : params.url;
      const metadata = applyMetadata(current.metadata, params.metadata);
      if (metadata !== undefined) next.metadata = metadata;
      if (params.default_price !== undefined) {
        const price = view.prices.get(params.default_price);
        if (!price) throw new GatewayError('param_resource_missing', `No such price: '${params.default_price}'`, 'default_price');
        if (price.stripeProductId !== id) {
          throw new GatewayError(
            'parameter_invalid',
            `The price \`${params.default_price}\` does not belong to the product \`${id}\`.`,
            'default_price',
          );
        }
        next.defaultPriceId = params.default_price;
      }
      const before = renderProduct(view, facts, events);
      if (isDeepStrictEqual(next, current) && view.products.has(id))
        return { kind: 'answer', object: renderProduct(view, facts, how, expandDefaultPrice) };
      next.updated = Math.max(Math.floor(ctx.now() / 1000), current.updated ?? current.created ?? 0);
      next.apiRevision = nextRevision(ctx.now(), current.apiRevision);
      return {
        kind: 'change',
        change: { products: { [id]: next } },
        announce: (after) => updatedEvent('product.updated', before, renderProduct(after, productFactsFromInfo(id, next), events)),
        respond: (after) => renderProduct(after, productFactsFromInfo(id, next), how, expandDefaultPrice),
      };
    });
  }

  /**
   * Only a product without prices can be deleted, as in Stripe (§4 "Delete"). It leaves a
   * tombstone, so a later file load does not bring it back (docs/mappings.md "One catalog").
   */
  async function del(call: CallContext, id: string, bag: ParamBag): Promise<WrittenAnswer> {
    validateParams(deleteProductSchema, bag);
    const events = eventPresentation(call.livemode);
    return runCatalogWrite(ctx, call, async (view) => {
      const facts = view.product(id);
      if (!facts) throw new GatewayError('resource_missing', `No such product: '${id}'`, 'id');
      if (view.priceCount(id) > 0) {
        throw new GatewayError('invalid_state', 'This product cannot be deleted because it has one or more user-created prices.');
      }
      return {
        kind: 'change',
        // Later than any revision the product had: a file holding any version of it does not restore it.
        change: { deletedProducts: { [id]: nextRevision(ctx.now(), view.products.get(id)?.apiRevision) } },
        // The last full snapshot, as Stripe's product.deleted carries it (the answer is the stub).
        announce: (_next, previous) => [{ type: 'product.deleted', object: renderProduct(previous, facts, events) }],
        respond: () => buildDeletedProductObject(id),
      };
    });
  }

  return { create, update, del };
}

function infoOf(facts: ProductFacts): ProductInfo {
  return {
    name: facts.name,
    description: facts.description ?? null,
    images: facts.images ?? [],
    active: facts.active ?? true,
    metadata: facts.metadata ?? {},
    ...(facts.created !== undefined ? { created: facts.created } : {}),
    defaultPriceId: facts.defaultPriceId ?? null,
  };
}
