import Koa from 'koa';
import Router from '@koa/router';
import { GatewayError } from './errors';
import { authenticate, type KeyRegistry } from './http/middleware/authenticate';
import { errorHandler } from './http/middleware/error-handler';
import { idempotency } from './http/middleware/idempotency';
import { requestContextMiddleware } from './http/middleware/request-context';
import { stripeParams } from './http/middleware/stripe-params';
import { stripeVersionCheck } from './http/middleware/stripe-version';
import type { GatewayState } from './http/gateway-state';
import { observeRequests } from './http/middleware/observe-requests';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import type { IdempotencyStore } from './store/idempotency-store';

export interface AppDeps {
  logger: Logger;
  keys: KeyRegistry;
  idempotencyStore: IdempotencyStore;
  /** Routes under /v1 (authenticated, Stripe-shaped). */
  stripeRoutes: Router<GatewayState>[];
  /** Routes outside /v1 (health, metrics, Loops webhooks): no Stripe key. */
  publicRoutes: Router<GatewayState>[];
  now?: () => number;
  /** Request metrics and the access log; omitted in unit tests of the app alone. */
  metrics?: Metrics;
  /** True once SIGTERM arrived: answers carry `Connection: close` so clients reconnect elsewhere. */
  isDraining?: () => boolean;
  /** Runs right after authentication, before the body is even read (per-key rate limit). */
  limiter?: Koa.Middleware<GatewayState>;
  /** How long a request body may take to arrive (HTTP_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
}

/**
 * The Koa app: middleware order is the request's path through the gateway. It never listens;
 * `main.ts` does, and tests use `app.callback()` or a port of their own.
 */
export function createApp(deps: AppDeps): Koa<GatewayState> {
  const app = new Koa<GatewayState>();
  app.proxy = true;
  app.silent = true;
  app.use(requestContextMiddleware(deps.logger));
  app.use(async (ctx, next) => {
    await next();
    // Draining: keep-alive clients move to another instance. A body that has not all arrived (the
    // answer came before reading it: a refused key, a route that takes none): Node would go on
    // reading and discarding it for as long as the client cares to send; closing ends that.
    if (deps.isDraining?.() || !ctx.req.complete) ctx.set('Connection', 'close');
  });
  const routers = [...deps.publicRoutes, ...deps.stripeRoutes];
  if (deps.metrics) app.use(observeRequests(deps.metrics, deps.logger, (method, path) => routePattern(routers, method, path)));
  app.use(errorHandler(deps.logger));
  for (const router of deps.publicRoutes) app.use(router.routes());

  // The Stripe surface: a route match first, then key → tenant, Stripe-Version, rate limit,
  // parameters, idempotency, handler.
  const v1 = new Router<GatewayState>();
  const passThrough: Koa.Middleware<GatewayState> = (_ctx, next) => next();
  v1.use(
    authenticate(deps.keys, deps.logger),
    stripeVersionCheck(),
    deps.limiter ?? passThrough,
    stripeParams(deps.bodyTimeoutMs),
    idempotency(deps.idempotencyStore, deps.logger, deps.now),
  );
  for (const router of deps.stripeRoutes) v1.use(router.routes());
  app.use(v1.routes());
  // Anything no router answered, /v1 or not: Stripe's 404 for an unknown URL.
  app.use(async (ctx) => {
    if (ctx.body !== undefined || ctx.status !== 404) return;
    throw new GatewayError(
      'route_unknown',
      `Unrecognized request URL (${ctx.method}: ${ctx.path}). This endpoint is not provided by the Stripe-to-Loops gateway; see docs/compatibility.md for what is.`,
    );
  });
  return app;
}

/** The route pattern (`/v1/checkout/sessions/:id`) a request addresses, whichever layer answered it. */
function routePattern(routers: Router<GatewayState>[], method: string, path: string): string | undefined {
  for (const router of routers) {
    const layer = router.match(path, method).pathAndMethod.find((candidate) => candidate.methods.length > 0);
    if (layer && typeof layer.path === 'string') return layer.path;
  }
  return undefined;
}
