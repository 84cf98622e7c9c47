import { z } from 'zod';
import type { CustomerDetails } from './state';
import { parseOr400 } from './validation';

/**
 * What the customer typed on the hosted page (docs/loops-contract.md §8 [chosen]: a completed V3 session
 * carries `customer_details: {email, name}`). The admin `complete` call takes the same fields as
 * JSON. Blank counts as not typed: the email then stays the session's `customer_email`.
 */
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

export const customerDetailsSchema = z.strictObject({
  email: z.preprocess(blankToUndefined, z.preprocess(trimmed, z.email().max(254)).optional()),
  name: z.preprocess(blankToUndefined, z.preprocess(trimmed, z.string().max(200)).optional()),
});

export type TypedCustomerDetails = Partial<CustomerDetails>;

/** The hosted page's Pay form fields `email` and `name`; a bad email is a 400 and changes nothing. */
export function customerDetailsFromForm(form: URLSearchParams): TypedCustomerDetails {
  return parseOr400(customerDetailsSchema, { email: form.get('email') ?? undefined, name: form.get('name') ?? undefined });
}
