import { GatewayError } from '../../errors';
import { productFeaturesField } from '../api-version';

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

/**
 * The product's marketing features are `features` before 2024-04-10 and `marketing_features`
 * since (docs/stripe-billing-contract.md §12): the name the request's version does not know is refused
 * as Stripe refuses an unknown parameter. Returns what was sent under the right name.
 */
export function marketingFeaturesParam<T>(params: { features?: T; marketing_features?: T }, stripeVersion: string): T | undefined {
  const known = productFeaturesField(stripeVersion);
  const other = known === 'features' ? 'marketing_features' : 'features';
  if (params[other] !== undefined) throw new GatewayError('parameter_unknown', `Received unknown parameter: ${other}`, other);
  return params[known];
}
