import Router from '@koa/router';
import Koa from 'koa';
import { authMiddleware } from './auth';
import { bodyMiddleware } from './body-middleware';
import type { EmulatorContext } from './context';
import { ApiError } from './errors';
import { errorMiddleware } from './error-middleware';
import { duringFaultMiddleware, faultMiddleware } from './fault-middleware';
import { idempotencyMiddleware } from './idempotency';
import { registerAdminRoutes } from './routes/admin';
import { registerAdminOptionRoutes } from './routes/admin-options';
import { registerAdminSessionRoutes } from './routes/admin-sessions';
import { registerAdminSubscriptionRoutes } from './routes/admin-subscriptions';
import { registerCustomerPortalRoutes } from './routes/customer-portal';
import { registerHostedPageRoutes } from './routes/hosted-page';
import { registerPaymentLinkRoutes } from './routes/payment-links';
import { registerPortalPageRoutes } from './routes/portal-page';
import { registerProductRoutes } from './routes/products';
import { registerSessionV1V2Routes } from './routes/sessions-v1-v2';
import { registerSessionV3Routes } from './routes/sessions-v3';
import { registerSubscriptionRoutes } from './routes/subscriptions';
import { statsMiddleware } from './stats';

/**
 * Middleware order matters: stats sees the final outcome; faults wrap everything below so a
 * `phase: 'after'` fault hits a fully processed request; errors are rendered inside the fault
 * layer; auth runs before any body is read; idempotency sits above the routes, and a
 * `phase: 'during'` fault between the two (the request is read and its key taken, then it is slow).
 */
export function createApp(context: EmulatorContext): Koa {
  const app = new Koa();
  const router = new Router();
  registerSessionV1V2Routes(router, context);
  registerSessionV3Routes(router, context);
  registerProductRoutes(router, context);
  registerPaymentLinkRoutes(router, context);
  registerSubscriptionRoutes(router, context);
  registerCustomerPortalRoutes(router, context);
  registerHostedPageRoutes(router, context);
  registerPortalPageRoutes(router, context);
  registerAdminRoutes(router, context);
  registerAdminSessionRoutes(router, context);
  registerAdminSubscriptionRoutes(router, context);
  registerAdminOptionRoutes(router, context);

  app.use(statsMiddleware(context.stats));
  app.use(requestLog(context));
  app.use(faultMiddleware(context.faults, context.timers));
  app.use(errorMiddleware(context.logger));
  app.use(notFound());
  app.use(authMiddleware(context.config.apiKeys));
  app.use(bodyMiddleware());
  app.use(idempotencyMiddleware(context.idempotency, () => context.config.honourIdempotencyKeys));
  app.use(duringFaultMiddleware(context.timers));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  return app;
}

/** Runs after the router (and its 405 check): an unanswered request is a 404, JSON under the APIs. */
function notFound(): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined || ctx.respond === false) return;
    if (ctx.path.startsWith('/api/') || ctx.path.startsWith('/_emulator/')) throw new ApiError(404, 'route_not_found', `No route ${ctx.method} ${ctx.path}`);
    ctx.status = 404;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = 'Not found';
  };
}

function requestLog(context: EmulatorContext): Koa.Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round(performance.now() - started);
      context.logger.info({ method: ctx.method, path: ctx.path, status: ctx.respond === false ? null : ctx.status, ms }, 'request');
    }
  };
}
