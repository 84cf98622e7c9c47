import type { ParamBag } from '../stripe/params/param-bag';
import type { TenantContext } from '../services/call-context';

/** What middleware leaves on `ctx.state` for the routes. */
export interface GatewayState {
  requestId: string;
  stripeVersion: string;
  /** A `Stripe-Version` header that is not a version: refused on /v1 (stripe-version.ts). */
  malformedStripeVersion?: string;
  tenant?: TenantContext;
  /** The API key the request authenticated with (rate limiting); never logged. */
  apiKey?: string;
  livemode?: boolean;
  params?: ParamBag;
  idempotencyKey?: string | null;
  operationKey?: string;
  startedAtMs?: number;
  /** An earlier attempt of this operation ran and left no answer (idempotency store `resumed`). */
  resumesOperation?: boolean;
  /** The key this request holds and its parameters' fingerprint (see idempotency middleware). */
  idempotencyHeld?: { key: string; fingerprint: string };
  /** The route already stored its answer with what it created; the middleware need not. */
  answerStored?: boolean;
}
