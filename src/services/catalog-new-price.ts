import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../errors';
import { LoopsError } from '../loops/loops-error';
import type { LoopsV3Product } from '../loops/loops-schemas';
import type { MappingEntry } from '../mappings/mapping-file';
import type { CatalogPrice } from '../mapping-tool/catalog/catalog';
import type { StripeProductJson } from '../mapping-tool/catalog/stripe-catalog-schemas';
import { convertPrice } from '../mapping-tool/convert/convert-price';
import { skipReasonFor, type SkipCode } from '../mapping-tool/convert/skip-reasons';
import { lazyLoopsIndex, type LoopsIndex } from '../mapping-tool/loops/loops-index';
import { createProduct, MappingAbort } from '../mapping-tool/run/create-product';
import { entryFromLoops } from '../mapping-tool/plan/entry-from-loops';
import type { ProductFacts } from '../stripe/objects/product-object';
import type { ParamValue } from '../stripe/params/param-bag';
import { loopsErrorToStripe } from '../translate/loops-error-to-stripe';
import type { CallContext } from './call-context';

/** What `prices.create` and `products.create[default_price_data]` say about the price's charge. */
export interface PriceTerms {
  currency: string;
  unit_amount?: number | undefined;
  unit_amount_decimal?: string | undefined;
  recurring?:
    | {
        interval: string;
        interval_count?: number | undefined;
        trial_period_days?: number | undefined;
        usage_type?: string | undefined;
        meter?: string | undefined;
      }
    | undefined;
  billing_scheme?: string | undefined;
  tiers_mode?: string | undefined;
  tiers?: ParamValue | undefined;
  custom_unit_amount?: ParamValue | undefined;
  transform_quantity?: ParamValue | undefined;
  currency_options?: ParamValue | undefined;
  active?: boolean | undefined;
  nickname?: string | undefined;
  lookup_key?: string | undefined;
  metadata?: Record<string, string> | undefined;
  tax_behavior?: 'exclusive' | 'inclusive' | 'unspecified' | undefined;
}

/** `prefix[name][sub]`, or `name[sub]` without a prefix: the parameter as the client sent it. */
export function paramPath(prefix: string, ...parts: string[]): string {
  const [first = '', ...rest] = prefix ? [prefix, ...parts] : parts;
  return `${first}${rest.map((part) => `[${part}]`).join('')}`;
}

/**
 * Stripe's own rules for a price's amount (docs/stripe-billing-contract.md §5 "Create"), then what a
 * Loops product can be: every price the mapping tool would skip is refused here with its reason
 * (mapping-tool/convert/skip-reasons.ts), naming the parameter that asks for it, and nothing is made.
 */
export function checkPriceTerms(terms: PriceTerms, prefix: string, price: CatalogPrice, product: StripeProductJson): void {
  if (terms.unit_amount !== undefined && terms.unit_amount_decimal !== undefined) {
    throw new GatewayError(
      'parameters_exclusive',
      'You may only specify one of these parameters: unit_amount, unit_amount_decimal.',
      paramPath(prefix, 'unit_amount_decimal'),
    );
  }
  const tiered = terms.billing_scheme === 'tiered' || terms.tiers !== undefined || terms.tiers_mode !== undefined;
  if (terms.unit_amount === undefined && terms.unit_amount_decimal === undefined && !tiered && terms.custom_unit_amount === undefined) {
    throw new GatewayError('parameter_missing', `Missing required param: ${paramPath(prefix, 'unit_amount')}.`, paramPath(prefix, 'unit_amount'));
  }
  if (terms.currency_options !== undefined) {
    throw unsupported(paramPath(prefix, 'currency_options'), 'a Loops product charges one currency, so a price cannot carry other currencies');
  }
  const catalog = {
    prices: [],
    products: new Map([[product.id, product]]),
    deletedProducts: new Set<string>(),
    unreadable: [],
    standalonePrices: 0,
    productsWithDefaultPrice: 0,
  };
  const skip = skipReasonFor(price, catalog, true);
  if (skip) throw unsupported(paramPath(prefix, ...skipParam(skip.code, terms)), skip.reason);
}

const unsupported = (param: string, reason: string) =>
  new GatewayError('parameter_unsupported', `Loops cannot represent this price: ${reason}.`, param);

/** The parameter that asked for what a skip reason names. */
function skipParam(code: SkipCode, terms: PriceTerms): string[] {
  switch (code) {
    case 'tiered':
      return [terms.tiers !== undefined ? 'tiers' : terms.tiers_mode !== undefined ? 'tiers_mode' : 'billing_scheme'];
    case 'metered':
      return ['recurring', terms.recurring?.meter !== undefined ? 'meter' : 'usage_type'];
    case 'custom_amount':
      return ['custom_unit_amount'];
    case 'transform_quantity':
      return ['transform_quantity'];
    case 'interval':
      return ['recurring', 'interval'];
    case 'interval_count':
      return ['recurring', 'interval_count'];
    case 'currency':
      return ['currency'];
    case 'fractional_amount':
      return ['unit_amount_decimal'];
    default:
      return [terms.unit_amount_decimal !== undefined ? 'unit_amount_decimal' : 'unit_amount'];
  }
}

/** The price as the mapping tool reads Stripe's (its skip reasons and converter take this shape). */
export function catalogPriceOf(id: string, productId: string, terms: PriceTerms, created: number): CatalogPrice {
  const recurring = terms.recurring;
  const transform = typeof terms.transform_quantity === 'object' && !Array.isArray(terms.transform_quantity) ? terms.transform_quantity : undefined;
  return {
    id,
    object: 'price',
    productId,
    active: terms.active ?? true,
    currency: terms.currency,
    unit_amount: terms.unit_amount ?? null,
    unit_amount_decimal: terms.unit_amount_decimal ?? null,
    billing_scheme: terms.billing_scheme ?? (terms.tiers !== undefined ? 'tiered' : 'per_unit'),
    tiers_mode: terms.tiers_mode ?? null,
    type: recurring ? 'recurring' : 'one_time',
    recurring: recurring
      ? {
          interval: recurring.interval,
          interval_count: recurring.interval_count ?? 1,
          usage_type: recurring.usage_type ?? 'licensed',
          meter: recurring.meter ?? null,
          trial_period_days: recurring.trial_period_days ?? null,
        }
      : null,
    custom_unit_amount: terms.custom_unit_amount !== undefined ? {} : null,
    transform_quantity:
      terms.transform_quantity !== undefined ? { divide_by: Number(transform?.divide_by ?? 0) || 0, round: String(transform?.round ?? 'up') } : null,
    currency_options: null,
    nickname: terms.nickname ?? null,
    lookup_key: terms.lookup_key ?? null,
    metadata: terms.metadata ?? {},
    tax_behavior: terms.tax_behavior ?? null,
    created,
  };
}

/** The product as the mapping tool reads Stripe's: the fields its converter copies into Loops. */
export function stripeProductJsonOf(product: ProductFacts): StripeProductJson {
  return {
    id: product.id,
    object: 'product',
    active: product.active ?? true,
    name: product.name,
    description: product.description ?? null,
    images: product.images ?? [],
    metadata: product.metadata ?? {},
    unit_label: product.unitLabel ?? null,
    tax_code: product.taxCode ?? null,
    statement_descriptor: product.statementDescriptor ?? null,
    type: product.type ?? 'service',
  };
}

/**
 * Makes the one Loops product of a price created through the API, with the mapping tool's
 * duplicate-free create (mapping-tool/run/create-product.ts): the Idempotency-Key is derived from
 * the tenant and the price id, which is derived from the operation key, so a retried request sends
 * the same key; after an ambiguous failure (timeout, 5xx, dropped connection), and before the
 * first attempt of a retried operation (`call.operation.earlierAttempts`), Loops is listed and a product
 * tagged `stripe_price_id` = the price is taken instead of making another. One attempt here: the
 * merchant's request is waiting, and its SDK retries with the same key.
 */
export function createLoopsProductMaker() {
  const indexes = new Map<string, LoopsIndex>();
  const indexFor = (call: CallContext): LoopsIndex => {
    const tenantId = call.tenant.config.id;
    let index = indexes.get(tenantId);
    if (!index) indexes.set(tenantId, (index = lazyLoopsIndex(call.tenant.loops)));
    return index;
  };

  /** The mapping entry of the new price, once Loops has its product. */
  return async function makeLoopsProduct(call: CallContext, price: CatalogPrice, product: StripeProductJson): Promise<MappingEntry> {
    const converted = convertPrice(price, product);
    let outcome;
    try {
      outcome = await createProduct(
        { action: 'create', priceId: price.id, body: converted.body, draft: converted.draft, label: price.id, notes: [] },
        {
          tenantId: call.tenant.config.id,
          loops: call.tenant.loops,
          index: indexFor(call),
          maxAttempts: 1,
          sleep: (ms) => sleep(ms),
          lookFirst: call.operation.earlierAttempts !== null,
        },
      );
    } catch (error) {
      if (error instanceof MappingAbort) {
        throw new GatewayError(
          'loops_misconfigured',
          "Loops rejected the gateway's Loops API key. This is a gateway configuration problem (LOOPS_API_KEY), not a problem with your request.",
        );
      }
      throw error;
    }
    if (outcome.kind === 'created') return entryFromLoops(converted.draft, outcome.product satisfies LoopsV3Product);
    if (outcome.conflict) throw new GatewayError('mapping_stale', `The price cannot be created: ${outcome.reason}.`);
    if (outcome.failure) throw loopsErrorToStripe(new LoopsError(outcome.failure, 'createProductV3'));
    throw new GatewayError(
      'loops_unavailable',
      `Loops could not be checked for this price's product (${outcome.reason}). Retrying with the same Idempotency-Key is safe.`,
    );
  };
}

export type MakeLoopsProduct = ReturnType<typeof createLoopsProductMaker>;
