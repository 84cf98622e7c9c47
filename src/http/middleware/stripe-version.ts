import type { Middleware } from 'koa';
import { GatewayError } from '../../errors';
import type { GatewayState } from '../gateway-state';

/**
 * The `Stripe-Version` decides how objects are rendered and which parameters exist
 * (docs/stripe-checkout-contract.md §0.9), so a value that is not a version (`YYYY-MM-DD`, optionally `.name`) is
 * a 400 rather than silently read as the default.
 */
export function stripeVersionCheck(): Middleware<GatewayState> {
  return async (ctx, next) => {
    const malformed = ctx.state.malformedStripeVersion;
    if (malformed !== undefined) {
      throw new GatewayError(
        'api_version_invalid',
        `Invalid Stripe API version: ${malformed.slice(0, 100)}. Send a version such as 2026-10-28.endive (YYYY-MM-DD, optionally followed by .name), or none for the default.`,
      );
    }
    await next();
  };
}
