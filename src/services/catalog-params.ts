import { z } from 'zod';
import { GatewayError } from '../errors';
import { createdFilter, paginationShape } from '../stripe/params/list-params';
import { boolean, currency, list, oneOf, optional, text } from '../stripe/params/param-schemas';

/** `GET /v1/prices/:id` and `GET /v1/products/:id`: only `expand` (stripe-surface.md §3.4). */
export const retrieveCatalogSchema = z.object({ expand: optional(list(text(500), 20)) }).strict();

/** `GET /v1/prices`: Stripe's list parameters for prices (API reference "List all prices"). */
export const listPricesSchema = z
  .object({
    ...paginationShape,
    active: optional(boolean()),
    currency: optional(currency()),
    product: optional(text(255)),
    type: optional(oneOf(['one_time', 'recurring'])),
    lookup_keys: optional(list(text(200), 10)),
    created: optional(createdFilter),
    recurring: optional(
      z
        .object({
          interval: optional(oneOf(['day', 'week', 'month', 'year'])),
          usage_type: optional(oneOf(['licensed', 'metered'])),
          meter: optional(text(255)),
        })
        .strict(),
    ),
  })
  .strict();

export type ListPricesParams = z.output<typeof listPricesSchema>;

/**
 * The expansions a catalog request asked for, checked against what the gateway can expand: a
 * price's `product` and a product's `default_price`. Anything else is refused by name, as Stripe
 * refuses a path that cannot be expanded.
 */
export function parseCatalogExpand(expand: string[] | undefined, allowed: readonly string[]): Set<string> {
  for (const path of expand ?? []) {
    if (!allowed.includes(path)) throw new GatewayError('parameter_invalid', `This property cannot be expanded (${path}).`, 'expand');
  }
  return new Set(expand);
}
