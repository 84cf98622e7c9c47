import Router from '@koa/router';
import type { Context } from 'koa';
import type { Metrics } from '../../observability/metrics';
import { InvalidLoopsEventShapeError } from '../../services/loops-webhooks/invalid-shape-error';
import type { LoopsWebhookService } from '../../services/loops-webhooks/loops-webhook-service';
import type { GatewayState } from '../gateway-state';
import { readRawBody } from '../read-raw-body';
import { sendJson } from '../respond';

export const DEFAULT_WEBHOOK_TENANT = 'default';

export interface LoopsWebhookRouteOptions {
  signatureHeader: string;
  /** HTTP_BODY_TIMEOUT_MS: no route is public enough to let a body drip in for minutes. */
  bodyTimeoutMs: number;
}

/**
 * `POST /webhooks/loops` (tenant `default`) and `/webhooks/loops/:tenant`. The body is read as
 * raw bytes whatever its content type, because the signature covers the exact bytes Loops sent.
 */
export function loopsWebhookRoutes(service: LoopsWebhookService, options: LoopsWebhookRouteOptions, metrics?: Metrics): Router<GatewayState> {
  const router = new Router<GatewayState>();
  const handle = async (ctx: Context & { state: GatewayState }, tenantId: string) => {
    const raw = await readRawBody(ctx.req, options.bodyTimeoutMs);
    let outcome;
    try {
      outcome = await service.handle(tenantId, raw, ctx.get(options.signatureHeader) || undefined, ctx.state.logger);
    } catch (error) {
      // A known event Loops sent in a shape the gateway cannot read is contract drift, worth its
      // own alert; everything else refused (signature, tenant, body) is `rejected`.
      metrics?.loopsWebhooks.inc({ outcome: error instanceof InvalidLoopsEventShapeError ? 'invalid_shape' : 'rejected' });
      throw error;
    }
    metrics?.loopsWebhooks.inc({ outcome });
    sendJson(ctx, 200, { received: true, outcome });
  };
  router.post('/webhooks/loops', (ctx) => handle(ctx, DEFAULT_WEBHOOK_TENANT));
  router.post('/webhooks/loops/:tenant', (ctx) => handle(ctx, ctx.params.tenant ?? ''));
  return router;
}
