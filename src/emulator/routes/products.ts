import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { productNotFound } from '../errors';
import { DEFAULT_CURRENCY, listProducts, metadataFilters, productListQuerySchema, saveProduct } from '../product-catalog';
import { renderProductV2, renderProductV3 } from '../render/product';
import { checkedMinor, MAX_AMOUNT_MINOR } from '../money';
import { currencySchema, metadataSchema, page, parseOr400, urlSchema } from '../validation';

/** Minor units, integers (§3.3: `2999` is $29.99). */
const minorAmount = z.int().min(0).max(MAX_AMOUNT_MINOR);

/** POST /api/v3/products body, with the limits of docs/loops-contract.md §3.3. */
const v3CreateSchema = z.strictObject({
  name: z.string().min(1).max(5000),
  description: z.string().max(40_000).nullish(),
  active: z.boolean().nullish(),
  images: z.array(urlSchema).max(8).nullish(),
  metadata: metadataSchema.nullish(),
  amountType: z.enum(['FIXED', 'CUSTOM', 'FREE']).nullish(),
  priceAmount: minorAmount.nullish(),
  priceCurrency: currencySchema.nullish(),
  recurringInterval: z.enum(['month', 'year']).nullish(),
  minimumAmount: minorAmount.nullish(),
  presetAmount: minorAmount.nullish(),
  statement_descriptor: z.string().min(1).max(22).nullish(),
  tax_code: z.string().min(1).max(100).nullish(),
  unit_label: z.string().min(1).max(12).nullish(),
  url: urlSchema.nullish(),
  thumbnailUrl: urlSchema.nullish(),
});

/**
 * POST /api/v2/products [chosen]: the contract documents only the V2 list, so V2 create takes the
 * V3 fields in the Loops-style vocabulary of V1/V2 (§3.1): amounts in major units.
 */
const majorAmount = z.number().min(0);
const v2CreateSchema = v3CreateSchema
  .omit({ priceAmount: true, minimumAmount: true, presetAmount: true })
  .extend({ priceAmount: majorAmount.nullish(), minimumAmount: majorAmount.nullish(), presetAmount: majorAmount.nullish() });

function minorOf(field: string, major: number | null | undefined, currency: string): number | null | undefined {
  return major == null ? major : checkedMinor(`${field}:`, major, currency);
}

export function registerProductRoutes(router: Router, context: EmulatorContext): void {
  router.post('/api/v3/products', (ctx) => {
    const { statement_descriptor, tax_code, unit_label, ...rest } = parseOr400(v3CreateSchema, ctx.request.body ?? {});
    const product = saveProduct(context, { ...rest, statementDescriptor: statement_descriptor, taxCode: tax_code, unitLabel: unit_label });
    ctx.body = renderProductV3(product);
  });

  router.get('/api/v3/products', (ctx) => {
    const query = parseOr400(productListQuerySchema, ctx.query);
    const { slice, hasMore } = page(listProducts(context, query, metadataFilters(ctx.query)), query.limit, query.offset);
    ctx.body = { object: 'list', data: slice.map(renderProductV3), has_more: hasMore, url: '/api/v3/products' };
  });

  router.get('/api/v3/products/:id', (ctx) => {
    const product = context.state.products.get(ctx.params.id ?? '');
    if (!product) throw productNotFound();
    ctx.body = renderProductV3(product);
  });

  router.post('/api/v2/products', (ctx) => {
    const { statement_descriptor, tax_code, unit_label, priceAmount, minimumAmount, presetAmount, ...rest } = parseOr400(v2CreateSchema, ctx.request.body ?? {});
    const currency = rest.priceCurrency ?? DEFAULT_CURRENCY;
    const product = saveProduct(context, {
      ...rest,
      priceAmount: minorOf('priceAmount', priceAmount, currency),
      minimumAmount: minorOf('minimumAmount', minimumAmount, currency),
      presetAmount: minorOf('presetAmount', presetAmount, currency),
      statementDescriptor: statement_descriptor,
      taxCode: tax_code,
      unitLabel: unit_label,
    });
    ctx.body = renderProductV2(product);
  });

  router.get('/api/v2/products/:id', (ctx) => {
    const product = context.state.products.get(ctx.params.id ?? '');
    if (!product) throw productNotFound();
    ctx.body = renderProductV2(product);
  });

  router.get('/api/v2/products', (ctx) => {
    const query = parseOr400(productListQuerySchema, ctx.query);
    const products = listProducts(context, query, metadataFilters(ctx.query));
    const slice = products.slice(query.offset, query.offset + query.limit);
    ctx.body = { products: slice.map(renderProductV2), total: products.length, limit: query.limit, offset: query.offset };
  });
}
