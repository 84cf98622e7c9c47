import { GatewayError } from '../../errors';
import { PARAM_LIMITS, assertSafeKey, emptyBag, isParamBag, tooManyValues, type ParamBag, type ParamValue } from './param-bag';

const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/** Values decoded so far (param-bag.ts `maxValues`): each pair's leaf and each object or list it opens. */
interface Counter {
  values: number;
}

function count(counter: Counter): void {
  counter.values += 1;
  if (counter.values > PARAM_LIMITS.maxValues) throw tooManyValues();
}

/**
 * Decodes `application/x-www-form-urlencoded` the way Stripe's Rack server does: `a[b][c]=v`
 * nests, `a[]=v` appends, `+` is a space, the last plain duplicate wins. Anything undecodable is
 * a 400, never an exception that escapes as a 500. The work is linear in the text and stops at
 * the value limit: pairs are found one at a time, not split all at once (a 1 MB body of `&` made
 * a million empty strings first), and a run of separators is passed in one regular-expression scan.
 */
export function parseForm(text: string): ParamBag {
  const root = emptyBag();
  const counter: Counter = { values: 0 };
  const plain = text.includes('+') ? plusAsSpace(text) : text;
  for (let start = skipSeparators(plain, 0); start < plain.length;) {
    const amp = plain.indexOf('&', start);
    const end = amp === -1 ? plain.length : amp;
    count(counter);
    const pair = plain.slice(start, end);
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    assign(root, splitName(name), value, name, counter);
    start = skipSeparators(plain, end);
  }
  return root;
}

const SEPARATORS = /&*/y;

/** Past the run of `&` at `from` (empty pairs are skipped, as Rack does), in one native scan. */
function skipSeparators(text: string, from: number): number {
  SEPARATORS.lastIndex = from;
  SEPARATORS.test(text);
  return SEPARATORS.lastIndex;
}

/**
 * `+` means a space in names and values alike, so it is replaced once over the whole text, before
 * pairs are cut out and percent-decoded (`%2B`, a literal plus, is decoded after). The pass runs
 * over the UTF-16 code units: a regular-expression replace cost ~150 ns a match, 150 ms for a
 * 1 MB body of `+`; this takes a few milliseconds, and keeps every other code unit as it was.
 */
function plusAsSpace(text: string): string {
  const bytes = Buffer.from(text, 'utf16le');
  for (let i = 0; i < bytes.length; i += 2) {
    if (bytes[i] === 0x2b && bytes[i + 1] === 0) bytes[i] = 0x20;
  }
  return bytes.toString('utf16le');
}

function decode(component: string): string {
  // Most names and values carry no escape: decoding would return them unchanged.
  if (!component.includes('%')) return component;
  try {
    return decodeURIComponent(component);
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

function assign(root: ParamBag, segments: string[], value: string, name: string, counter: Counter): void {
  let container: ParamBag | ParamValue[] = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    if (Array.isArray(container)) {
      container = stepIntoList(container, segment, next, last, value, name, counter);
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
      count(counter);
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
  counter: Counter,
): ParamBag | ParamValue[] {
  if (segment !== '') throw conflict(name);
  if (last) {
    list.push(value);
    return list;
  }
  if (next === '') throw conflict(name);
  const tail = list[list.length - 1];
  if (isParamBag(tail) && next !== undefined && !Object.hasOwn(tail, next)) return tail;
  count(counter);
  const fresh = emptyBag();
  list.push(fresh);
  return fresh;
}

function conflict(name: string): GatewayError {
  return new GatewayError('malformed_body', `Invalid parameter name: ${name.slice(0, 100)} conflicts with another parameter's type.`);
}
