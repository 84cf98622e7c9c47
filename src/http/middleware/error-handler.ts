import type { Middleware } from 'koa';
import { GatewayError, isGatewayError, renderError } from '../../errors';
import type { Logger } from '../../observability/logger';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

/**
 * The one place errors become responses. Gateway errors render through the catalogue; anything
 * else is a bug, logged with its stack and answered as a generic `api_error` (never its message,
 * which may name internals).
 */
export function errorHandler(logger: Logger): Middleware<GatewayState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const gatewayError = isGatewayError(error)
        ? error
        : new GatewayError('internal', 'An unexpected error occurred in the gateway. Please retry; if it persists, contact the operator.');
      const log = ctx.state.logger ?? logger;
      if (!isGatewayError(error)) log.error({ err: error }, 'unhandled error');
      else if (gatewayError.status >= 500) log.warn({ code: gatewayError.errorName, error: gatewayError.message }, 'request failed');
      const rendered = renderError(gatewayError);
      for (const [name, value] of Object.entries(rendered.headers)) ctx.set(name, value);
      sendJson(ctx, rendered.status, rendered.body);
    }
  };
}
