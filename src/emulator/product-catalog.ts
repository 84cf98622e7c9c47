import { z } from 'zod';
import type { EmulatorContext } from './context';
import { ApiError, badRequest } from './errors';
import { newId } from './ids';
import type { AmountType, Metadata, ProductRecord, RecurringInterval } from './state';
import { pagingQuery } from './validation';

/** A product created without `priceCurrency` is priced in USD [chosen]. */
export const DEFAULT_CURRENCY = 'USD';

export interface ProductInput {
  id?: string;
  defaultPriceId?: string;
  name: string;
  description?: string | null;
  active?: boolean | null;
  images?: string[] | null;
  metadata?: Metadata | null;
  amountType?: AmountType | null;
  priceAmount?: number | null;
  priceCurrency?: string | null;
  recurringInterval?: RecurringInterval | null;
  minimumAmount?: number | null;
  presetAmount?: number | null;
  statementDescriptor?: string | null;
  taxCode?: string | null;
  unitLabel?: string | null;
  url?: string | null;
  thumbnailUrl?: string | null;
}

/**
 * Stores a product (API create, or the admin seed with caller-chosen ids, which replaces a product
 * of the same id). Each product has one price, its `default_price` (§3.3), indexed so V3
 * `line_items[].price` can name it.
 */
export function saveProduct(context: EmulatorContext, input: ProductInput): ProductRecord {
  const { state } = context;
  const id = input.id ?? newId('prod');
  const previous = state.products.get(id);
  const priceId = input.defaultPriceId ?? previous?.defaultPriceId ?? newId('price');
  const owner = state.priceIndex.get(priceId);
  if (owner !== undefined && owner !== id) throw new ApiError(409, 'price_id_taken', `Price ${priceId} belongs to product ${owner}`);
  if (state.priceIndex.has(id) || (state.products.has(priceId) && priceId !== id)) {
    throw new ApiError(409, 'id_taken', 'product and price ids must not collide with each other');
  }
  const product = buildProduct(id, priceId, input, context.clock.nowMs(), previous);
  if (previous) state.priceIndex.delete(previous.defaultPriceId);
  state.products.set(id, product);
  state.priceIndex.set(priceId, id);
  if (!previous) context.stats.productsCreated += 1;
  return product;
}

function buildProduct(id: string, priceId: string, input: ProductInput, now: number, previous: ProductRecord | undefined): ProductRecord {
  const amountType = input.amountType ?? 'FIXED';
  if (amountType === 'FIXED' && input.priceAmount == null) throw badRequest('priceAmount: required when amountType is FIXED');
  if (amountType === 'FREE' && (input.priceAmount ?? 0) !== 0) throw badRequest('priceAmount: must be 0 or absent when amountType is FREE');
  return {
    id,
    defaultPriceId: priceId,
    name: input.name,
    description: input.description ?? null,
    active: input.active ?? true,
    images: input.images ?? [],
    metadata: { ...(input.metadata ?? {}) },
    amountType,
    priceAmount: amountType === 'FREE' ? 0 : (input.priceAmount ?? null),
    // [chosen] USD when omitted; Loops-style fields keep currencies upper case.
    priceCurrency: (input.priceCurrency ?? DEFAULT_CURRENCY).toUpperCase(),
    recurringInterval: input.recurringInterval ?? null,
    minimumAmount: input.minimumAmount ?? null,
    presetAmount: input.presetAmount ?? null,
    statementDescriptor: input.statementDescriptor ?? null,
    taxCode: input.taxCode ?? null,
    unitLabel: input.unitLabel ?? null,
    url: input.url ?? null,
    thumbnailUrl: input.thumbnailUrl ?? null,
    createdMs: previous?.createdMs ?? now,
    updatedMs: now,
  };
}

/** List filters of §3.3 plus [chosen] `metadata[key]=value` (e.g. the mapping tool's `stripe_price_id`). */
export const productListQuerySchema = z.object({
  ...pagingQuery,
  status: z.enum(['ACTIVE', 'INACTIVE', 'DRAFT']).optional(),
  amountType: z.enum(['FIXED', 'CUSTOM', 'FREE']).optional(),
});

export type ProductListQuery = z.output<typeof productListQuerySchema>;

export function metadataFilters(query: Record<string, string | string[] | undefined>): Array<[string, string]> {
  const filters: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(query)) {
    const name = /^metadata\[(.+)\]$/.exec(key)?.[1];
    if (name === undefined) continue;
    if (typeof value !== 'string') throw badRequest(`${key}: must be given once`);
    filters.push([name, value]);
  }
  return filters;
}

/** Products in creation order (stable offset paging while the mapping tool creates more). */
export function listProducts(context: EmulatorContext, query: ProductListQuery, metadata: Array<[string, string]>): ProductRecord[] {
  return [...context.state.products.values()].filter(
    (product) =>
      (query.status === undefined || (product.active ? 'ACTIVE' : 'INACTIVE') === query.status) &&
      (query.amountType === undefined || product.amountType === query.amountType) &&
      metadata.every(([key, value]) => product.metadata[key] === value),
  );
}
