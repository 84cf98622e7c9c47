import type { Middleware } from 'koa';
import { scopedLogger, type Logger } from '../../observability/logger';
import { DEFAULT_STRIPE_VERSION, isWellFormedStripeVersion } from '../../stripe/api-version';
import { randomId } from '../../stripe/ids';
import type { GatewayState } from '../gateway-state';

/**
 * Gives each request its `Request-Id` (stripe-node reports it as `requestId` and sends it back in
 * telemetry) and a logger whose lines carry it, and echoes `Stripe-Version`, which the SDK exposes as `lastResponse.apiVersion`.
 */
export function requestContextMiddleware(logger: Logger): Middleware<GatewayState> {
  return async (ctx, next) => {
    const requestId = randomId('req', 14);
    const sent = ctx.get('Stripe-Version');
    ctx.state.requestId = requestId;
    ctx.state.logger = scopedLogger(logger, { requestId });
    ctx.set('Request-Id', requestId);
    if (sent === '' || isWellFormedStripeVersion(sent)) {
      ctx.state.stripeVersion = sent || DEFAULT_STRIPE_VERSION;
      ctx.set('Stripe-Version', ctx.state.stripeVersion);
    } else {
      // Never echoed: /v1 refuses it (stripe-version.ts); other routes do not render Stripe objects.
      ctx.state.stripeVersion = DEFAULT_STRIPE_VERSION;
      ctx.state.malformedStripeVersion = sent;
    }
    await next();
  };
}
