import { z } from 'zod';
import { createSessionSchema } from '../../../src/stripe/params/create-session-params';
import { parseForm } from '../../../src/stripe/params/parse-form';
import { optional, text } from '../../../src/stripe/params/param-schemas';
import { presentKeysSchema } from '../../../src/stripe/params/present-keys';

/** The parse as the caller sees it: output (undefined-valued keys included, in order) or issues. */
const outcome = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? { data: Object.entries(result.data as object) } : { issues: result.error.issues };
};

describe('presentKeysSchema', () => {
  const schemaFor = presentKeysSchema(createSessionSchema);

  it.each([
    'mode=payment&line_items[0][price]=p&line_items[0][quantity]=1&success_url=https%3A%2F%2Fexample.com',
    'success_url=https%3A%2F%2Fexample.com&mode=payment&line_items[0][price]=p&metadata[a]=&customer_email=',
    'mode=setup&unknown=1&line_items[0][price]=p&other=2',
    'mode=nope&line_items[0][quantity]=zero&expires_at=x&cancel_url=ftp%3A%2F%2Fx',
    'discounts[0][coupon]=c&line_items[0][price]=p&ui_mode=embedded_page',
    '',
  ])('parses %s as the whole schema does', (form) => {
    const bag = parseForm(form);
    expect(outcome(schemaFor(bag), bag)).toEqual(outcome(createSessionSchema, bag));
  });

  it('reuses one picked schema per key set, whatever the order the keys were sent in', () => {
    const first = schemaFor(parseForm('mode=payment&success_url=x'));
    expect(schemaFor(parseForm('success_url=y&mode=subscription'))).toBe(first);
    expect(schemaFor(parseForm('mode=payment'))).not.toBe(first);
  });

  it('falls back to the whole schema once many key sets were seen', () => {
    const names = Array.from({ length: 80 }, (_, i) => `k${i}`);
    const wide = z.object(Object.fromEntries(names.map((name) => [name, optional(text())]))).strict();
    const wideFor = presentKeysSchema(wide);
    for (const name of names) wideFor(parseForm(`${name}=1`));
    const bag = parseForm('k0=1&k1=2');
    expect(wideFor(bag)).toBe(wide);
  });

  it('refuses a schema with a key that is not optional', () => {
    expect(() => presentKeysSchema(z.object({ needed: text() }).strict())).toThrow(/'needed' must be optional/);
  });
});
