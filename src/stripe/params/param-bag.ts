import { GatewayError } from '../../errors';

/**
 * What a Stripe request's parameters look like once decoded, whatever the encoding: strings at the
 * leaves (forms carry nothing else), objects for `a[b]`, arrays for `a[]`. `a[0]` stays an object
 * with key "0": the parameter schema turns integer-keyed maps into arrays only where Stripe expects
 * an array, as stripe-mock does (stripe-surface.md §0.2), so `metadata[0]=x` stays metadata.
 */
export type ParamValue = string | ParamValue[] | ParamBag;
export interface ParamBag {
  [key: string]: ParamValue;
}

export const PARAM_LIMITS = {
  /** Bracket levels in one name; Stripe's deepest create parameter needs 5. */
  maxDepth: 8,
  /** 100 line items × a dozen fields, plus metadata and expansions, with room to spare. */
  maxPairs: 5000,
  maxKeyLength: 500,
} as const;

/** Names that would reach Object.prototype if ever used as keys: refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function assertSafeKey(key: string, path: string): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new GatewayError('malformed_body', `Invalid parameter name: ${path}`, path);
  }
}

export function isParamBag(value: ParamValue | undefined): value is ParamBag {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Query and body form one bag, as Stripe's Rack-based server reads them; the body wins a clash. */
export function mergeParamBags(query: ParamBag, body: ParamBag): ParamBag {
  return { ...query, ...body };
}
