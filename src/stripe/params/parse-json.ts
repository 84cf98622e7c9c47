import { GatewayError } from '../../errors';
import { bracketPath } from './bracket-path';
import { PARAM_LIMITS, assertSafeKey, emptyBag, tooManyValues, type ParamBag, type ParamValue } from './param-bag';

/**
 * JSON bodies are accepted too. Scalars become the strings a form would have carried
 * (`null` → "" which Stripe reads as "unset"), so one set of schemas validates both encodings.
 */
export function parseJson(text: string): ParamBag {
  if (text.trim() === '') return emptyBag();
  checkShape(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError('malformed_body', 'Invalid request: the body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('malformed_body', 'Invalid request: a JSON body must be an object.');
  }
  return toBag(parsed as Record<string, unknown>, undefined, 1, { values: 0 });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const OPEN_LIST = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_LIST = 0x5d;

/**
 * The limits, checked on the text before JSON.parse builds anything: parsing 1 MB of `{},{},…`
 * or of `"k1":0,"k2":0,…` took 80 ms before a single value could be counted, and 500,000 nested
 * `[` took 230 ms. One pass outside strings counts commas and opening brackets and follows the
 * nesting. In a JSON text every value but the root follows `[`, `{` (as a first element) or a
 * comma, so the values below the root number at least the commas and at least the brackets less
 * one: a text over the limit on either count is over it however it parses. Strings are skipped
 * with indexOf, so a long value costs next to nothing.
 */
function checkShape(text: string): void {
  let commas = 0;
  let containers = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) return; // unterminated: JSON.parse says so
    } else if (code === COMMA) {
      if (++commas > PARAM_LIMITS.maxValues) throw tooManyValues();
    } else if (code === OPEN_OBJECT || code === OPEN_LIST) {
      if (++containers - 1 > PARAM_LIMITS.maxValues) throw tooManyValues();
      // The root is level 1, so a value at level maxDepth sits in brackets maxDepth deep.
      if (++depth > PARAM_LIMITS.maxDepth + 1) throw new GatewayError('malformed_body', 'Invalid request: the body is nested too deeply.');
    } else if (code === CLOSE_OBJECT || code === CLOSE_LIST) {
      depth -= 1;
    }
  }
}

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * The form limits apply to JSON too (docs/compatibility.md): a 1 MB JSON body could otherwise
 * carry far more than 5,000 parameters or keys of any length (found by test/property). Every
 * value counts, objects and lists included (param-bag.ts `maxValues`). A value's bracket path is
 * only spelled out for an error: building one string per value cost more than the rest of the walk.
 */
function toBag(object: Record<string, unknown>, at: Place | undefined, depth: number, count: { values: number }): ParamBag {
  const bag = emptyBag();
  for (const key of Object.keys(object)) {
    const place: Place = { parent: at, key };
    if (key.length > PARAM_LIMITS.maxKeyLength) throw new GatewayError('malformed_body', `Invalid parameter name: ${pathOf(place).slice(0, 100)}`);
    assertSafeKey(key, () => pathOf(place));
    bag[key] = toValue(object[key], place, depth, count);
  }
  return bag;
}

function toValue(value: unknown, at: Place, depth: number, count: { values: number }): ParamValue {
  if (depth > PARAM_LIMITS.maxDepth) throw new GatewayError('malformed_body', `Invalid request: ${pathOf(at)} is nested too deeply.`);
  count.values += 1;
  if (count.values > PARAM_LIMITS.maxValues) throw tooManyValues();
  if (value === null || typeof value !== 'object') return value === null ? '' : String(value);
  if (Array.isArray(value)) return value.map((item, i) => toValue(item, { parent: at, key: String(i) }, depth + 1, count));
  return toBag(value as Record<string, unknown>, at, depth + 1, count);
}

/** Where a value sits, as the chain of keys above it. */
interface Place {
  parent: Place | undefined;
  key: string;
}

/** `line_items[0][price]`. */
function pathOf(place: Place): string {
  const keys: string[] = [];
  for (let at: Place | undefined = place; at; at = at.parent) keys.unshift(at.key);
  return bracketPath(keys);
}
