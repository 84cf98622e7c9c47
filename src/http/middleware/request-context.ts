import type { Middleware } from 'koa';
import { requestContext } from '../../observability/request-context';
import { DEFAULT_STRIPE_VERSION } from '../../stripe/api-version';
import { randomId } from '../../stripe/ids';
import type { GatewayState } from '../gateway-state';

/**
 * Gives each request its `Request-Id` (stripe-node reports it as `requestId` and sends it back in
 * telemetry) and echoes `Stripe-Version`, which the SDK exposes as `lastResponse.apiVersion`.
 */
export function requestContextMiddleware(): Middleware<GatewayState> {
  return async (ctx, next) => {
    const requestId = randomId('req', 14);
    const stripeVersion = ctx.get('Stripe-Version') || DEFAULT_STRIPE_VERSION;
    ctx.state.requestId = requestId;
    ctx.state.stripeVersion = stripeVersion;
    ctx.set('Request-Id', requestId);
    ctx.set('Stripe-Version', stripeVersion);
    await requestContext.run({ requestId }, next);
  };
}
