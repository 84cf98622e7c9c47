import { GatewayError } from '../../errors';
import { PARAM_LIMITS, assertSafeKey, emptyBag, type ParamBag, type ParamValue } from './param-bag';

/**
 * JSON bodies are accepted too. Scalars become the strings a form would have carried
 * (`null` → "" which Stripe reads as "unset"), so one set of schemas validates both encodings.
 */
export function parseJson(text: string): ParamBag {
  if (text.trim() === '') return emptyBag();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError('malformed_body', 'Invalid request: the body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('malformed_body', 'Invalid request: a JSON body must be an object.');
  }
  return toBag(parsed as Record<string, unknown>, '', 1, { leaves: 0 });
}

/**
 * The form limits apply to JSON too (docs/compatibility.md): a 1 MB JSON body could otherwise
 * carry far more than 5,000 parameters or keys of any length (found by test/property).
 */
function toBag(object: Record<string, unknown>, path: string, depth: number, count: { leaves: number }): ParamBag {
  const bag = emptyBag();
  for (const [key, value] of Object.entries(object)) {
    const childPath = path ? `${path}[${key}]` : key;
    if (key.length > PARAM_LIMITS.maxKeyLength) throw new GatewayError('malformed_body', `Invalid parameter name: ${childPath.slice(0, 100)}`);
    assertSafeKey(key, childPath);
    bag[key] = toValue(value, childPath, depth, count);
  }
  return bag;
}

function toValue(value: unknown, path: string, depth: number, count: { leaves: number }): ParamValue {
  if (depth > PARAM_LIMITS.maxDepth) throw new GatewayError('malformed_body', `Invalid request: ${path} is nested too deeply.`);
  if (value === null || typeof value !== 'object') {
    count.leaves += 1;
    if (count.leaves > PARAM_LIMITS.maxPairs) {
      throw new GatewayError('malformed_body', `Invalid request: more than ${PARAM_LIMITS.maxPairs} parameters.`);
    }
    return value === null ? '' : String(value);
  }
  if (Array.isArray(value)) return value.map((item, i) => toValue(item, `${path}[${i}]`, depth + 1, count));
  return toBag(value as Record<string, unknown>, path, depth + 1, count);
}
