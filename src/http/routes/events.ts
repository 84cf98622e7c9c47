import Router from '@koa/router';
import type { EventQueries } from '../../services/events/event-queries';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson } from '../respond';

export function eventRoutes(queries: EventQueries): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1/events' });
  router.get('/', async (ctx) => sendJson(ctx, 200, await queries.list(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/:id', async (ctx) => sendJson(ctx, 200, await queries.retrieve(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})));
  return router;
}
