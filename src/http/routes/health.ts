import Router from '@koa/router';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

export interface Readiness {
  /** True while the shared store answers and the process is not draining. */
  isReady(): Promise<boolean>;
}

/** `/healthz`: the process is up. `/readyz`: it should receive traffic (load balancers poll it). */
export function healthRoutes(readiness: Readiness): Router<GatewayState> {
  const router = new Router<GatewayState>();
  router.get('/healthz', (ctx) => sendJson(ctx, 200, { status: 'ok' }));
  router.get('/readyz', async (ctx) => {
    const ready = await readiness.isReady();
    sendJson(ctx, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready' });
  });
  return router;
}
