import type { Middleware } from 'koa';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { GatewayState } from '../gateway-state';

/**
 * Counts and times every request by its route pattern (never the raw path, whose ids would make
 * unbounded label values) and writes one access-log line, after the response is decided.
 */
export function observeRequests(
  metrics: Metrics,
  logger: Logger,
  routeOf: (method: string, path: string) => string | undefined,
): Middleware<GatewayState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      // The router records the route it dispatched to; a request answered by a middleware before
      // any route (an idempotent replay, an auth failure) is looked up in the route table instead.
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const routeLabel = (typeof matched === 'string' && matched.startsWith('/') ? matched : routeOf(ctx.method, ctx.path)) ?? 'unmatched';
      metrics.httpRequests.inc({ method: ctx.method, route: routeLabel, status: String(ctx.status) });
      metrics.httpDuration.observe({ method: ctx.method, route: routeLabel }, seconds);
      if (ctx.response.get('Idempotent-Replayed') === 'true') metrics.idempotentReplays.inc();
      // The request's own logger (its id and tenant); the shared one only outside the app's chain.
      const log = ctx.state.logger ?? logger;
      if (log.isLevelEnabled('info'))
        log.info({ method: ctx.method, route: routeLabel, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}
