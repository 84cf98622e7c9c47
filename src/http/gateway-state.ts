import type { Logger } from '../observability/logger';
import type { ParamBag } from '../stripe/params/param-bag';
import type { TenantContext } from '../services/call-context';
import type { Operation } from '../services/operation';

/** What middleware leaves on `ctx.state` for the routes. */
export interface GatewayState {
  requestId: string;
  /** This request's logger: its lines carry `requestId`, and `tenant` once authenticated. */
  logger: Logger;
  stripeVersion: string;
  /** A `Stripe-Version` header that is not a version: refused on /v1 (stripe-version.ts). */
  malformedStripeVersion?: string;
  tenant?: TenantContext;
  /** The API key the request authenticated with (rate limiting); never logged. */
  apiKey?: string;
  livemode?: boolean;
  params?: ParamBag;
  /** The logical operation the request performs (idempotency middleware; services/operation.ts). */
  operation?: Operation;
}
