import { GatewayError } from '../../errors';
import { PARAM_LIMITS, assertSafeKey, emptyBag, isParamBag, type ParamBag, type ParamValue } from './param-bag';

const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/**
 * Decodes `application/x-www-form-urlencoded` the way Stripe's Rack server does: `a[b][c]=v`
 * nests, `a[]=v` appends, `+` is a space, the last plain duplicate wins. Anything undecodable is
 * a 400, never an exception that escapes as a 500.
 */
export function parseForm(text: string): ParamBag {
  const root = emptyBag();
  const pairs = text.split('&').filter((pair) => pair.length > 0);
  if (pairs.length > PARAM_LIMITS.maxPairs) {
    throw new GatewayError('malformed_body', `Invalid request: more than ${PARAM_LIMITS.maxPairs} parameters.`);
  }
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    assign(root, splitName(name), value, name);
  }
  return root;
}

function decode(component: string): string {
  // Most names and values carry no escape: decoding would return them unchanged.
  if (!component.includes('%')) return component.includes('+') ? component.replace(/\+/g, ' ') : component;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new GatewayError('malformed_body', 'Invalid request: malformed percent-encoding or invalid UTF-8.');
  }
}

/** `line_items[0][price]` → ['line_items', '0', 'price']; `expand[]` → ['expand', '']. */
function splitName(name: string): string[] {
  const match = name.length <= PARAM_LIMITS.maxKeyLength ? KEY_PATTERN.exec(name) : null;
  if (!match) throw new GatewayError('malformed_body', `Invalid parameter name: ${name.slice(0, 100)}`);
  // The pattern admits no bracket inside a segment, so in `[a][b]` only `][` separates: ['a', 'b'].
  const brackets = match[2] ?? '';
  const segments = brackets === '' ? [match[1] ?? ''] : [match[1] ?? '', ...brackets.slice(1, -1).split('][')];
  if (segments.length > PARAM_LIMITS.maxDepth) {
    throw new GatewayError('malformed_body', `Invalid parameter name: ${name.slice(0, 100)} is nested too deeply.`);
  }
  segments.forEach((segment) => assertSafeKey(segment, name));
  return segments;
}

function assign(root: ParamBag, segments: string[], value: string, name: string): void {
  let container: ParamBag | ParamValue[] = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    if (Array.isArray(container)) {
      container = stepIntoList(container, segment, next, last, value, name);
      if (last) return;
      continue;
    }
    if (segment === '') throw conflict(name);
    // Own keys only: `toString[x]=1` read `bag.toString` (Object.prototype.toString) and added
    // properties to that process-wide built-in on every request (found by test/property).
    const existing: ParamValue | undefined = Object.hasOwn(container, segment) ? container[segment] : undefined;
    if (last) {
      if (existing !== undefined && typeof existing !== 'string') throw conflict(name);
      container[segment] = value;
      return;
    }
    const wantsList = next === '';
    if (existing === undefined) {
      container[segment] = wantsList ? [] : emptyBag();
    } else if (typeof existing === 'string' || Array.isArray(existing) !== wantsList) {
      throw conflict(name);
    }
    container = container[segment] as ParamBag | ParamValue[];
  }
}

/**
 * Inside `a[]`: a leaf appends; `a[][b]=1&a[][c]=2` fills the last element until a key repeats,
 * then starts a new one (Rack's rule), so arrays of objects can be sent without indexes.
 */
function stepIntoList(
  list: ParamValue[],
  segment: string,
  next: string | undefined,
  last: boolean,
  value: string,
  name: string,
): ParamBag | ParamValue[] {
  if (segment !== '') throw conflict(name);
  if (last) {
    list.push(value);
    return list;
  }
  if (next === '') throw conflict(name);
  const tail = list[list.length - 1];
  if (isParamBag(tail) && next !== undefined && !Object.hasOwn(tail, next)) return tail;
  const fresh = emptyBag();
  list.push(fresh);
  return fresh;
}

function conflict(name: string): GatewayError {
  return new GatewayError('malformed_body', `Invalid parameter name: ${name.slice(0, 100)} conflicts with another parameter's type.`);
}
