import { z } from 'zod';
import { isIsoCurrency } from '../money';
import type { StripeIssueParams } from './validate-params';

/**
 * Building blocks for Stripe parameter schemas. Every leaf arrives as a string (forms carry
 * nothing else; JSON scalars are stringified on the way in), so these parse strings.
 */
/** The catalogue error a custom issue is reported as (validate-params.ts). */
export const issue = (errorName: StripeIssueParams['errorName']) => ({ params: { errorName } satisfies StripeIssueParams });

/** Stripe reads an empty value (`key=`, or `null` from stripe-node) as "not set". */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

/**
 * Stripe's `Emptyable<T>` where one shape serves create and update: `param=` is "not set" on create
 * (absent) and clears the field on update (null). The catalog's params keep the '' instead
 * (catalog-param-schemas.ts `emptyOr`): their writers read it themselves.
 */
export function emptyable<T extends z.ZodType>(schema: T, mode: 'create' | 'update') {
  return mode === 'create' ? optional(schema) : z.preprocess((value) => (value === '' ? null : value), schema.nullable().optional());
}

export function text(maxLength = 5000) {
  return z.string().max(maxLength);
}

export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return z.string().transform((value, ctx) => {
    if (!/^-?\d{1,16}$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: `Invalid integer: ${value.slice(0, 50)}`, ...issue('parameter_invalid_integer') });
      return z.NEVER;
    }
    const number = Number(value);
    if (number < min || number > max) {
      const bound = number < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
      ctx.addIssue({ code: 'custom', message: `This value must be ${bound}.`, ...issue('parameter_invalid') });
      return z.NEVER;
    }
    return number;
  });
}

/**
 * `true`/`false`, in any case: v1 accepts `True`/`False` too, which Python's stripe package (5.x,
 * Debian's python3-stripe) and .NET's send for booleans (stripe/stripe-dotnet#3104,
 * stripe/stripe-python#1499: "v1 apis would accept these or the lowercase versions").
 */
export function boolean() {
  return z.string().transform((value, ctx) => {
    const lower = value.length <= 5 ? value.toLowerCase() : value;
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    ctx.addIssue({ code: 'custom', message: `Invalid boolean: ${value.slice(0, 50)}`, ...issue('parameter_invalid') });
    return z.NEVER;
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}

/**
 * An absolute http(s) URL, as Stripe takes `success_url`, `cancel_url` and product images. A URL
 * never carries a raw control character or space (RFC 3986 §2): the WHATWG parser behind `new
 * URL` strips them at either end and drops tabs and newlines inside, so it accepted `" https://…"`
 * and `"https://…\r\nX: y"`, which were then stored, echoed and sent to Loops as written.
 */
export function httpUrl() {
  return z
    .string()
    .max(5000)
    .refine(isHttpUrl, { message: 'Not a valid URL', ...issue('url_invalid') });
}

export function email(maxLength = 800) {
  return z
    .string()
    .max(maxLength)
    .refine((value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), { message: 'Invalid email address', ...issue('email_invalid') });
}

/** A currency: an ISO 4217 code in any case, read in lower case as Stripe echoes it. */
export function currency() {
  return z.string().transform((value, ctx) => {
    if (!/^[A-Za-z]{3}$/.test(value) || !isIsoCurrency(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `Invalid currency: ${value.slice(0, 50)}. Use a three-letter ISO 4217 code, such as usd or eur.`,
        ...issue('parameter_invalid'),
      });
      return z.NEVER;
    }
    return value.toLowerCase();
  });
}

/**
 * An array parameter: `a[]=x` arrives as an array, `a[0]=x` (stripe-node's style) as a map with
 * integer keys, which becomes an array in index order, as stripe-mock's coercer does. The item
 * count is checked before any item is: zod checks an array's size after parsing its items, so 5,000
 * empty `line_items` were each validated (and refused) before the 100-item cap refused the list.
 */
export function list<T extends z.ZodType>(item: T, maxItems: number) {
  return z.preprocess(integerKeyedMapToArray, z.array(z.unknown()).max(maxItems).pipe(z.array(item)));
}

function integerKeyedMapToArray(value: unknown): unknown {
  const keys = listIndexKeys(value);
  return keys ? keys.map((key) => (value as Record<string, unknown>)[key]) : value;
}

/**
 * The keys of a map read as a list, in list order (`{5: a, 0: b}` → ['0', '5']), or undefined when
 * the value is not such a map. The list is dense, so errors map positions back through these keys
 * to name the index the client sent (validate-params `clientPath`).
 */
export function listIndexKeys(value: unknown): string[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => /^(0|[1-9]\d{0,5})$/.test(key))) return undefined;
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map(String);
}

/** Stripe's metadata limits (docs/stripe-checkout-contract.md §5.3): 50 keys, keys ≤ 40 chars, values ≤ 500. */
export const METADATA_LIMITS = { maxKeys: 50, maxKeyLength: 40, maxValueLength: 500 } as const;

/**
 * The key count is checked before any value, as list() checks its length first: 5,000 keys each
 * with a wrong value made 5,000 validation issues before the 50-key limit was looked at.
 */
export function metadata() {
  const atMostMaxKeys = z.custom<unknown>((value) => !isObject(value) || Object.keys(value).length <= METADATA_LIMITS.maxKeys, {
    message: `Invalid metadata: metadata can have at most ${METADATA_LIMITS.maxKeys} keys.`,
    ...issue('parameter_invalid'),
  });
  return atMostMaxKeys.pipe(z.record(z.string(), z.string()).superRefine(checkMetadataEntries));
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

function checkMetadataEntries(record: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const key of Object.keys(record)) {
    const value = record[key] ?? '';
    if (key.length > METADATA_LIMITS.maxKeyLength || /[[\]]/.test(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `Invalid metadata key: keys must be at most ${METADATA_LIMITS.maxKeyLength} characters and cannot contain '[' or ']'.`,
        ...issue('parameter_invalid'),
      });
    }
    if (value.length > METADATA_LIMITS.maxValueLength) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `Invalid metadata value: values must be at most ${METADATA_LIMITS.maxValueLength} characters.`,
        ...issue('parameter_invalid'),
      });
    }
  }
}

const RAW_IN_URL = /[\x00-\x20\x7f]/;

export function isHttpUrl(value: string): boolean {
  if (RAW_IN_URL.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
