import type { z } from 'zod';
import { GatewayError, type ErrorName } from '../../errors';
import { bracketPath } from './bracket-path';
import { isParamBag, type ParamValue } from './param-bag';
import { listIndexKeys } from './param-schemas';

/** A custom zod issue carries the catalogue name it should be reported as. */
export interface StripeIssueParams {
  errorName: ErrorName;
}

/**
 * Parses request parameters with a zod schema and reports the first problem as Stripe would:
 * unknown parameters first (Stripe checks names before values), then the rest in order.
 */
export function validateParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const result = schema.safeParse(params, { reportInput: true, error: briefMessages });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const found = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  const first = found && withinUnion(found);
  throw first ? toGatewayError({ ...first, path: clientPath(params, first.path) }) : new GatewayError('parameter_invalid', 'Invalid request.');
}

/**
 * An "Emptyable" parameter is `'' | value` (`field=` clears it); when neither fits, zod reports only
 * "Invalid input". The issue of the branch that is not the empty string says what is wrong (a list
 * over its cap, a bad item), so that one is reported, at its full path.
 */
function withinUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const branches = issue.errors.filter(
    (branch) => !branch.every((inner) => inner.code === 'invalid_value' && inner.values.length === 1 && inner.values[0] === ''),
  );
  const inner = branches.length === 1 ? branches[0]?.[0] : undefined;
  return inner ? withinUnion({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue) : issue;
}

/**
 * zod's own message for unknown keys quotes every one of them: 2,000 unknown names of 490
 * characters made a 1 MB message on each such request, which nobody reads (toGatewayError names
 * the first key). Other issues keep zod's messages.
 */
function briefMessages(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? 'Unrecognized keys' : undefined;
}

/**
 * The path as the client wrote it. Lists sent with indexes (`line_items[0]`, `line_items[5]`) are
 * read as dense arrays, so a zod position is mapped back to the client's own index: an error about
 * the second item names `line_items[5]`, the parameter the client can find in its request.
 */
export function clientPath(input: unknown, path: readonly PropertyKey[]): PropertyKey[] {
  const named: PropertyKey[] = [];
  let node: unknown = input;
  for (const segment of path) {
    const keys = typeof segment === 'number' ? listIndexKeys(node) : undefined;
    const key = keys?.[segment as number] ?? segment;
    named.push(key);
    node = child(node, key);
  }
  return named;
}

function child(node: unknown, key: PropertyKey): unknown {
  if (Array.isArray(node) && typeof key === 'number') return node[key];
  const value = node as ParamValue | undefined;
  return isParamBag(value) && typeof key === 'string' && Object.hasOwn(value, key) ? value[key] : undefined;
}

export function toGatewayError(issue: z.core.$ZodIssue): GatewayError {
  const param = bracketPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const unknown = bracketPath([...issue.path, issue.keys[0] ?? '']);
      return new GatewayError('parameter_unknown', `Received unknown parameter: ${unknown}`, unknown);
    }
    case 'invalid_type':
      if (!('input' in issue) || issue.input === undefined) {
        return new GatewayError('parameter_missing', `Missing required param: ${param}.`, param);
      }
      return new GatewayError('parameter_invalid', `Invalid ${typeName(issue.expected)}: ${param} must be ${article(issue.expected)}.`, param);
    case 'invalid_value':
      return new GatewayError('parameter_invalid', `Invalid ${param}: must be one of ${issue.values.map(String).join(', ')}`, param);
    case 'too_big':
      return new GatewayError('parameter_invalid', `Invalid ${param}: ${limitText('at most', issue.origin, issue.maximum)}`, param);
    case 'too_small':
      return new GatewayError('parameter_invalid', `Invalid ${param}: ${limitText('at least', issue.origin, issue.minimum)}`, param);
    case 'custom': {
      const errorName = (issue.params as StripeIssueParams | undefined)?.errorName ?? 'parameter_invalid';
      return new GatewayError(errorName, issue.message, param || undefined);
    }
    default:
      return new GatewayError('parameter_invalid', `Invalid ${param}: ${issue.message}`, param || undefined);
  }
}

function typeName(expected: string): string {
  // Stripe calls objects "hashes" in its messages ("Invalid hash").
  return expected === 'object' ? 'hash' : expected;
}

function article(expected: string): string {
  const name = typeName(expected);
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function limitText(bound: string, origin: string, limit: number | bigint): string {
  if (origin === 'array') return `${bound} ${limit} items`;
  if (origin === 'string') return `${bound} ${limit} characters`;
  if (origin === 'object') return `${bound} ${limit} keys`;
  return `${bound} ${limit}`;
}
