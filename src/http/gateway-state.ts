import type { ParamBag } from '../stripe/params/param-bag';
import type { TenantContext } from '../services/call-context';

/** What middleware leaves on `ctx.state` for the routes. */
export interface GatewayState {
  requestId: string;
  stripeVersion: string;
  tenant?: TenantContext;
  /** The API key the request authenticated with (rate limiting); never logged. */
  apiKey?: string;
  livemode?: boolean;
  params?: ParamBag;
  idempotencyKey?: string | null;
  operationKey?: string;
  startedAtMs?: number;
  /** The key this request holds and its parameters' fingerprint (see idempotency middleware). */
  idempotencyHeld?: { key: string; fingerprint: string };
  /** The route already stored its answer with what it created; the middleware need not. */
  answerStored?: boolean;
}
