import { z } from 'zod';
import { badRequest } from './errors';

/**
 * Shared zod pieces and the single place where a zod failure becomes a 400 (docs/loops-contract.md §1).
 * Request bodies are strict objects: an unknown field is a 400, so a client typo fails loudly
 * against the emulator instead of being silently ignored [chosen].
 */
export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_BYTES = 5 * 1024;

/** §2: ≤ 50 keys, string keys and values, JSON-encoded size ≤ 5 KB (UTF-8 bytes). */
export const metadataSchema = z
  .record(z.string(), z.string({ error: 'metadata values must be strings' }))
  .refine((value) => Object.keys(value).length <= METADATA_MAX_KEYS, { error: `metadata may have at most ${METADATA_MAX_KEYS} keys` })
  .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= METADATA_MAX_BYTES, {
    error: `metadata may be at most ${METADATA_MAX_BYTES} bytes when JSON-encoded`,
  });

/** Absolute http(s) URL; `{CHECKOUT_SESSION_ID}` is allowed anywhere (§4). */
export const urlSchema = z
  .string()
  .max(2048)
  .refine((value) => /^https?:$/.test(safeProtocol(value)), { error: 'must be an absolute http(s) URL' });

export const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { error: 'must be a three-letter ISO currency code' })
  .transform((value) => value.toUpperCase());

export const quantitySchema = z.int().min(1).max(999_999);

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return '';
  }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses or throws a 400 listing every problem at once. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  return parsed.data;
}

/** Integer query parameter with bounds; a repeated parameter (array) is a 400 too. */
export const intQuery = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a non-negative integer' })
    .transform(Number)
    .pipe(z.int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

export const pagingQuery = {
  limit: intQuery(1, 100, 50),
  offset: intQuery(0, Number.MAX_SAFE_INTEGER, 0),
};

export function page<T>(items: T[], limit: number, offset: number): { slice: T[]; hasMore: boolean } {
  return { slice: items.slice(offset, offset + limit), hasMore: offset + limit < items.length };
}
