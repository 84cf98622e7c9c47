import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { newId } from '../ids';
import { renderPortalSession } from '../render/portal-session';
import type { PortalSessionRecord } from '../state';
import { parseOr400, urlSchema } from '../validation';

/** §8.2: both fields required. */
const createSchema = z.strictObject({
  externalCustomerId: z.string().min(1).max(255),
  returnUrl: urlSchema,
});

/** §8.2: a portal session expires 1 hour after creation. */
export const PORTAL_SESSION_TTL_MS = 3600 * 1000;

/**
 * `POST /api/v3/customer-portal/sessions` (docs/loops-contract.md §8.2). Loops has no customer object, so a
 * portal session may be made for any `externalCustomerId`, with or without subscriptions; its page
 * then lists none [chosen].
 */
export function registerCustomerPortalRoutes(router: Router, context: EmulatorContext): void {
  router.post('/api/v3/customer-portal/sessions', (ctx) => {
    const body = parseOr400(createSchema, ctx.request.body ?? {});
    const now = context.clock.nowMs();
    const portal: PortalSessionRecord = {
      id: newId('bps'),
      externalCustomerId: body.externalCustomerId,
      returnUrl: body.returnUrl,
      createdMs: now,
      expiresMs: now + PORTAL_SESSION_TTL_MS,
    };
    context.state.portalSessions.set(portal.id, portal);
    ctx.body = renderPortalSession(context, portal);
  });
}
