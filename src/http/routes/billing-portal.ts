import Router from '@koa/router';
import type { PortalConfigurationService } from '../../services/billing-portal/portal-configuration-service';
import type { CreatePortalSession } from '../../services/billing-portal/portal-session-service';
import { callContextOf } from '../call-context-of';
import type { GatewayState } from '../gateway-state';
import { sendJson, sendSerializedJson } from '../respond';

/**
 * The paths stripe-node calls for `billingPortal.sessions.create` and
 * `billingPortal.configurations.create/retrieve/update/list` (docs/stripe-billing-contract.md §1).
 */
export function billingPortalRoutes(createSession: CreatePortalSession, configurations: PortalConfigurationService): Router<GatewayState> {
  const router = new Router<GatewayState>({ prefix: '/v1/billing_portal' });
  router.post('/sessions', async (ctx) => sendJson(ctx, 200, await createSession(callContextOf(ctx), ctx.state.params ?? {})));
  router.post('/configurations', async (ctx) => {
    const created = await configurations.create(callContextOf(ctx), ctx.state.params ?? {});
    sendSerializedJson(ctx, 200, created.json);
  });
  router.get('/configurations', async (ctx) => sendJson(ctx, 200, await configurations.list(callContextOf(ctx), ctx.state.params ?? {})));
  router.get('/configurations/:id', async (ctx) =>
    sendJson(ctx, 200, await configurations.retrieve(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  router.post('/configurations/:id', async (ctx) =>
    sendJson(ctx, 200, await configurations.update(callContextOf(ctx), ctx.params.id ?? '', ctx.state.params ?? {})),
  );
  return router;
}
