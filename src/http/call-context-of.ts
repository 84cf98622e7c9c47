import type { Context } from 'koa';
import type { CallContext } from '../services/call-context';
import type { GatewayState } from './gateway-state';

/** The service-facing view of an authenticated request. */
export function callContextOf(ctx: Context & { state: GatewayState }): CallContext {
  const { tenant, requestId, stripeVersion, operation } = ctx.state;
  if (!tenant || !operation) throw new Error('callContextOf needs authenticate and idempotency middleware first');
  return {
    tenant,
    livemode: ctx.state.livemode ?? false,
    requestId,
    logger: ctx.state.logger,
    stripeVersion,
    operation,
  };
}
