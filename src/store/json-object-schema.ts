import { z } from 'zod';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON object taken as it is: what `z.record(z.string(), z.unknown())` accepts from parsed JSON
 * (every key of a JSON object is a string), without copying it key by key into a new object. For
 * objects of sixty-odd keys read on every webhook event and every delivery (a Stripe event's
 * `data.object`, a Loops event's `data.object`, which its own schema then checks), the copy was
 * most of the parse.
 */
export const jsonObjectSchema = z.custom<Record<string, unknown>>(isPlainObject, { message: 'Invalid input: expected an object' });
