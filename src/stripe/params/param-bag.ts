import { GatewayError } from '../../errors';

/**
 * What a Stripe request's parameters look like once decoded, whatever the encoding: strings at the
 * leaves (forms carry nothing else), objects for `a[b]`, arrays for `a[]`. `a[0]` stays an object
 * with key "0": the parameter schema turns integer-keyed maps into arrays only where Stripe expects
 * an array, as stripe-mock does (docs/stripe-checkout-contract.md §0.2), so `metadata[0]=x` stays metadata.
 */
export type ParamValue = string | ParamValue[] | ParamBag;
export interface ParamBag {
  [key: string]: ParamValue;
}

export const PARAM_LIMITS = {
  /** Bracket levels in one name; Stripe's deepest create parameter needs 5. */
  maxDepth: 8,
  /**
   * Values in one request's bag: every leaf, and every object or list holding them (the root bag
   * aside). 100 line items × a dozen fields, plus metadata and expansions, with room to spare.
   * Containers count because they cost work too: `{"line_items":[{},{},…]}` carried 350,000
   * empty objects in 1 MB, none of them a leaf, and took half a second of CPU to refuse.
   */
  maxValues: 5000,
  maxKeyLength: 500,
} as const;

/**
 * Bags are built without a prototype (`emptyBag`), so no key can reach Object.prototype while
 * decoding, and `constructor` or `prototype` are ordinary names (Stripe accepts them as metadata
 * keys). `__proto__` is still refused: the schemas copy bags into plain objects, where assigning
 * it would replace the copy's prototype instead of adding a key.
 */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** A bag with no prototype: nothing inherited to read, nothing shared to write to. */
export function emptyBag(): ParamBag {
  return Object.create(null) as ParamBag;
}

/** `path` names the parameter in the error; a function is only called when the key is refused. */
export function assertSafeKey(key: string, path: string | (() => string)): void {
  if (FORBIDDEN_KEYS.has(key)) {
    const name = typeof path === 'string' ? path : path();
    throw new GatewayError('malformed_body', `Invalid parameter name: ${name}`, name);
  }
}

/** The one message for a bag over `maxValues`, whichever decoder counts it. */
export function tooManyValues(): GatewayError {
  return new GatewayError('malformed_body', `Invalid request: more than ${PARAM_LIMITS.maxValues} parameters.`);
}

export function isParamBag(value: ParamValue | undefined): value is ParamBag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Query and body form one bag, as Stripe's server reads them (docs/stripe-checkout-contract.md §2.1), merged at
 * every depth: `?metadata[a]=1` with a body carrying `metadata[b]=2` keeps both. Lists (`a[]`)
 * are joined, query first; where the two disagree on a leaf or on a value's kind, the body wins.
 */
export function mergeParamBags(query: ParamBag, body: ParamBag): ParamBag {
  const merged = emptyBag();
  for (const key of Object.keys(query)) merged[key] = query[key] ?? '';
  for (const key of Object.keys(body)) {
    const fromBody = body[key] ?? '';
    merged[key] = Object.hasOwn(merged, key) ? mergeValues(merged[key] ?? '', fromBody) : fromBody;
  }
  return merged;
}

function mergeValues(fromQuery: ParamValue, fromBody: ParamValue): ParamValue {
  if (Array.isArray(fromQuery) && Array.isArray(fromBody)) return [...fromQuery, ...fromBody];
  if (isParamBag(fromQuery) && isParamBag(fromBody)) return mergeParamBags(fromQuery, fromBody);
  return fromBody;
}
