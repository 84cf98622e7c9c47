import { createHash, randomUUID } from 'node:crypto';
import type { ParamBag, ParamValue } from '../../stripe/params/param-bag';

/** Stripe limits keys to 255 characters (stripe-surface.md §4). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Same key + same endpoint + same parameters = the same request (stripe-surface.md §4). The
 * fingerprint is order-independent, so a client that re-encodes its parameters still matches.
 */
export function requestFingerprint(method: string, path: string, params: ParamBag): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(params)}`)
    .digest('hex');
}

/**
 * One logical operation's key: the same Stripe request retried derives the same value (and so the
 * same Loops idempotency keys); without an Idempotency-Key every request is its own operation.
 */
export function operationKeyFor(tenantId: string, idempotencyKey: string | null, fingerprint: string): string {
  if (idempotencyKey === null) return randomUUID();
  return createHash('sha256').update(`${tenantId}\n${idempotencyKey}\n${fingerprint}`).digest('hex');
}

/**
 * Which first answers are kept for replay. Stripe also keeps 5xx; the gateway does not: its 5xx
 * mean Loops or Redis failed before the work finished, and re-running is safe because the retry
 * reaches Loops with the same derived key. Validation errors (4xx) are not kept, as in Stripe.
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
