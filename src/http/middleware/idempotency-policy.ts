import { hash, randomUUID } from 'node:crypto';
import type { ParamBag, ParamValue } from '../../stripe/params/param-bag';

/** Stripe limits keys to 255 characters (docs/stripe-checkout-contract.md §4). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * One logical operation: the tenant, its Idempotency-Key, the endpoint and the parameters (in any
 * order, so a client that re-encodes them still matches; docs/stripe-checkout-contract.md §4). The same request
 * retried derives the same value, which is both the fingerprint a reused key is compared against
 * and the operation key the Loops idempotency keys derive from. One hash, computed only for
 * requests that carry a key; every other request is its own operation.
 */
export function operationFingerprint(tenantId: string, idempotencyKey: string, method: string, path: string, params: ParamBag): string {
  // One-shot `hash`: no Hash object per request (half the cost of createHash().update().digest()).
  return hash('sha256', `${tenantId}\n${idempotencyKey}\n${method} ${path}\n${canonical(params)}`, 'hex');
}

export const freshOperationKey = (): string => randomUUID();

/**
 * Which first answers are kept for replay. Stripe also keeps 5xx; the gateway does not: its 5xx
 * mean Loops or Redis failed before the work finished, and re-running is safe because the retry
 * reaches Loops with the same derived key and looks for what the earlier attempt made first
 * (services/checkout-sessions/create-in-loops.ts). Validation errors (4xx) are not kept, as in Stripe.
 */
export function shouldStoreResponse(status: number): boolean {
  return status >= 200 && status < 300;
}

function canonical(value: ParamValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key] ?? '')}`)
    .join(',')}}`;
}
