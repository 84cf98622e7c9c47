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
 * The bytes hashed are the parameters as JSON with every object's keys sorted, exactly as earlier
 * versions wrote them, so an operation started before an upgrade keeps its fingerprint (and its
 * derived Loops keys) after it. They are written by one native JSON.stringify of a key-sorted copy:
 * building the string in JavaScript, a JSON.stringify per value and a string per level, cost up to
 * twice as much CPU on the hostile-input bench's megabyte bodies (issue 13).
 */
export function operationFingerprint(tenantId: string, idempotencyKey: string, method: string, path: string, params: ParamBag): string {
  const sorted = keySortedCopy(params);
  const json = sorted === null ? canonicalJson(params) : JSON.stringify(sorted);
  // One-shot `hash`: no Hash object per request (half the cost of createHash().update().digest()).
  return hash('sha256', `${tenantId}\n${idempotencyKey}\n${method} ${path}\n${json}`, 'hex');
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

/**
 * A JavaScript object lists integer-like keys ("2", "10") first, in numeric order, whatever order
 * they were added in, so a copy holding one would not serialise in sorted order: such a value
 * (rare: a metadata key that is a number) takes the written-out path instead.
 */
const INTEGER_LIKE_KEY = /^(?:0|[1-9][0-9]*)$/;

/** `value` with every object's keys inserted in sorted order, or null when a key is integer-like. */
function keySortedCopy(value: ParamValue): ParamValue | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items: ParamValue[] = [];
    for (const item of value) {
      const copy = keySortedCopy(item);
      if (copy === null) return null;
      items.push(copy);
    }
    return items;
  }
  const copy: Record<string, ParamValue> = {};
  for (const key of Object.keys(value).sort()) {
    if (INTEGER_LIKE_KEY.test(key)) return null;
    const item = keySortedCopy(value[key] ?? '');
    if (item === null) return null;
    copy[key] = item;
  }
  return copy;
}

/** The same JSON, written out: keys sorted as strings, at any key. */
function canonicalJson(value: ParamValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? '')}`)
    .join(',')}}`;
}
