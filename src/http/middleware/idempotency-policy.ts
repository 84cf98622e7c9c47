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
 *
 * The parameters are written out once, in linear time: every string length-prefixed (so no escaping
 * is needed for the encoding to be unambiguous), objects' keys sorted, into one array joined once.
 * Canonical JSON (JSON.stringify per key and value, a string built per level) cost up to 10 ms of
 * CPU on the hostile-input bench's megabyte bodies (issue 13).
 */
export function operationFingerprint(tenantId: string, idempotencyKey: string, method: string, path: string, params: ParamBag): string {
  const parts: string[] = [tenantId, '\n', idempotencyKey, '\n', method, ' ', path, '\n'];
  writeCanonical(params, parts);
  // One-shot `hash`: no Hash object per request (half the cost of createHash().update().digest()).
  return hash('sha256', parts.join(''), 'hex');
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

/** `s<length>:<text>`, `a<count>[…]`, `o<count>{<length>:<key>…}`: one reading only. */
function writeCanonical(value: ParamValue, parts: string[]): void {
  if (typeof value === 'string') {
    parts.push('s', String(value.length), ':', value);
    return;
  }
  if (Array.isArray(value)) {
    parts.push('a', String(value.length), '[');
    for (const item of value) writeCanonical(item, parts);
    parts.push(']');
    return;
  }
  const keys = Object.keys(value).sort();
  parts.push('o', String(keys.length), '{');
  for (const key of keys) {
    parts.push(String(key.length), ':', key);
    writeCanonical(value[key] ?? '', parts);
  }
  parts.push('}');
}
