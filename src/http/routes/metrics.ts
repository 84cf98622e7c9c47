import Router from '@koa/router';
import type { Metrics } from '../../observability/metrics';
import type { GatewayState } from '../gateway-state';

/** Prometheus scrape endpoint. Counts only, no secrets; keep it off the public internet all the same. */
export function metricsRoutes(metrics: Metrics): Router<GatewayState> {
  const router = new Router<GatewayState>();
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
