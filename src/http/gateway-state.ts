import type { ParamBag } from '../stripe/params/param-bag';
import type { TenantContext } from '../services/call-context';
import type { EarlierAttempts } from '../store/idempotency-store';

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
  /** What earlier attempts of this operation left, when one ran and left no answer (idempotency store `earlier`). */
  earlierAttempts?: EarlierAttempts | null;
  /** When this request's hold on its Idempotency-Key may lapse (idempotency store `lockedUntilMs`). */
  lockedUntilMs?: number;
  /** The key this request holds and its parameters' fingerprint (see idempotency middleware). */
  idempotencyHeld?: { key: string; fingerprint: string };
  /** The route already stored its answer with what it created; the middleware need not. */
  answerStored?: boolean;
}
