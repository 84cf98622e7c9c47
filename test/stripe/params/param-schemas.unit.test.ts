import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GatewayError } from '../../../src/errors';
import { parseCreateSessionParams } from '../../../src/stripe/params/create-session-params';
import { boolean, list } from '../../../src/stripe/params/param-schemas';
import { parseJson } from '../../../src/stripe/params/parse-json';
import { PAYMENT_METHOD_TYPES } from '../../../src/stripe/params/payment-method-types';
import { validateParams } from '../../../src/stripe/params/validate-params';

describe('list(): the item cap comes before any item is looked at', () => {
  it('refuses an over-long list without parsing one item', () => {
    let parsed = 0;
    const item = z.string().refine(() => {
      parsed += 1;
      return true;
    });
    const schema = z.object({ a: list(item, 3) }).strict();
    expect(() => validateParams(schema, { a: ['1', '2', '3', '4'] })).toThrow('Invalid a: at most 3 items');
    expect(() => validateParams(schema, { a: { 0: '1', 1: '2', 2: '3', 7: '4' } })).toThrow('Invalid a: at most 3 items');
    expect(parsed).toBe(0);
    expect(validateParams(schema, { a: { 5: 'x', 0: 'y' } })).toEqual({ a: ['y', 'x'] });
    expect(parsed).toBe(2);
  });

  it('4,000 empty line items: one error about the list, naming it, not 4,000 about the items', () => {
    const bag = parseJson(JSON.stringify({ line_items: Array.from({ length: 4000 }, () => ({})) }));
    let error: unknown;
    try {
      parseCreateSessionParams(bag, '2026-09-30.endive', { strict: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ errorName: 'parameter_invalid', param: 'line_items', message: 'Invalid line_items: at most 100 items' });
  });
});

describe('metadata(): the key count comes before any value', () => {
  it('4,990 keys with wrong values: the one error about the count, not 4,990 about the values', () => {
    const bag = parseJson(
      JSON.stringify({ line_items: [{ price: 'p' }], metadata: Object.fromEntries(Array.from({ length: 4990 }, (_, i) => [`k${i}`, {}])) }),
    );
    expect(() => parseCreateSessionParams(bag, '2026-09-30.endive', { strict: false })).toThrow(
      'Invalid metadata: metadata can have at most 50 keys.',
    );
  });

  it('within the count, values and keys are checked as before', () => {
    const run = (metadata: unknown) => () =>
      parseCreateSessionParams(parseJson(JSON.stringify({ line_items: [{ price: 'p' }], metadata })), '2026-09-30.endive', { strict: false });
    expect(run({ a: {} })).toThrow('Invalid string: metadata[a] must be a string.');
    expect(run({ a: 'x'.repeat(501) })).toThrow('Invalid metadata value');
    expect(run({ ['k'.repeat(41)]: 'x' })).toThrow('Invalid metadata key');
    expect(run('x')).toThrow('Invalid');
    expect(run(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])))()).toMatchObject({ metadata: { k0: 'v', k49: 'v' } });
  });
});

describe('values Stripe refuses are refused here too (issue 10, validation gaps)', () => {
  const create = (params: Record<string, unknown>) => {
    try {
      return parseCreateSessionParams(parseJson(JSON.stringify({ line_items: [{ price: 'price_x' }], ...params })), '2026-09-30.endive', {
        strict: false,
      });
    } catch (error) {
      if (error instanceof GatewayError) return { error: { name: error.errorName, param: error.param, message: error.message } };
      throw error;
    }
  };

  it.each([
    ['a leading space', ' https://shop.example/ok'],
    ['a trailing space', 'https://shop.example/ok '],
    ['a raw CR LF', 'https://shop.example/ok\r\nSet-Cookie: a=b'],
    ['a raw LF', 'https://shop.example/o\nk'],
    ['a TAB', 'https://shop.example/o\tk'],
    ['a NUL', 'https://shop.example/ok\u0000'],
    ['a DEL', 'https://shop.example/ok\u007f'],
    ['a space inside', 'https://shop.example/a b'],
  ])('success_url, cancel_url and images with %s: url_invalid', (_what, url) => {
    expect(create({ success_url: url })).toEqual({ error: { name: 'url_invalid', param: 'success_url', message: 'Not a valid URL' } });
    expect(create({ cancel_url: url })).toEqual({ error: { name: 'url_invalid', param: 'cancel_url', message: 'Not a valid URL' } });
    const image = create({
      line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x', images: ['https://ok.example/a.png', url] } } }],
    });
    expect(image).toMatchObject({ error: { name: 'url_invalid', param: 'line_items[0][price_data][product_data][images][1]' } });
  });

  it('keeps the URLs Stripe takes: {CHECKOUT_SESSION_ID}, percent-encoded spaces, non-ASCII', () => {
    const success = 'https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}&q=a%20b';
    expect(create({ success_url: success, cancel_url: 'http://localhost:3000/caf\u00e9' })).toMatchObject({
      success_url: success,
      cancel_url: 'http://localhost:3000/caf\u00e9',
    });
  });

  it.each(['xyz', 'usdd', 'us', 'eu1', 'XTS', '\u00fasd'])('price_data[currency]=%s: parameter_invalid naming it', (code) => {
    const item = { price_data: { currency: code, unit_amount: 100, product_data: { name: 'x' } } };
    expect(create({ line_items: [{ price: 'price_x' }, item] })).toMatchObject({
      error: { name: 'parameter_invalid', param: 'line_items[1][price_data][currency]', message: expect.stringContaining('Invalid currency') },
    });
  });

  it('takes ISO 4217 codes in any case, read in lower case', () => {
    for (const code of ['usd', 'EUR', 'Jpy', 'kwd', 'isk']) {
      const parsed = create({ line_items: [{ price_data: { currency: code, unit_amount: 100, product_data: { name: 'x' } } }] });
      expect(parsed).toMatchObject({ line_items: [{ price_data: { currency: code.toLowerCase() } }] });
    }
  });

  it.each(['bitcoin<script>', 'bitcoin', 'CARD', ' card', ''])('allowed_payment_method_types[]=%j: parameter_invalid', (type) => {
    const outcome = create({ allowed_payment_method_types: ['card', type] });
    expect(outcome).toMatchObject({ error: { name: 'parameter_invalid', param: 'allowed_payment_method_types[1]' } });
  });

  it('payment_method_types (before 2026-09-30) takes the same types', () => {
    const bag = parseJson(JSON.stringify({ line_items: [{ price: 'price_x' }], payment_method_types: ['card', 'bitcoin'] }));
    expect(() => parseCreateSessionParams(bag, '2025-01-27.acacia', { strict: false })).toThrow(
      /Invalid payment_method_types\[1\]: must be one of acss_debit/,
    );
    const ok = parseJson(JSON.stringify({ line_items: [{ price: 'price_x' }], payment_method_types: ['card', 'link'] }));
    expect(parseCreateSessionParams(ok, '2025-01-27.acacia', { strict: false }).payment_method_types).toEqual(['card', 'link']);
  });

  it('the payment method types are exactly those of the installed stripe-node', () => {
    const types = readFileSync(join(__dirname, '../../../node_modules/stripe/cjs/resources/Checkout/Sessions.d.ts'), 'utf8');
    const declared = /type AllowedPaymentMethodType = ([^;]+);/.exec(types)?.[1];
    expect(declared).toBeDefined();
    const sdk = [...(declared ?? '').matchAll(/'([a-z0-9_]+)'/g)].map((match) => match[1]);
    expect([...PAYMENT_METHOD_TYPES]).toEqual(sdk);
  });
});

describe('boolean parameters', () => {
  it('read true/false in any case, as Stripe v1 does (python3-stripe 5 sends `True`)', () => {
    const schema = boolean();
    for (const [sent, read] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
    ] as const) {
      expect(schema.parse(sent)).toBe(read);
    }
    for (const junk of ['1', 'yes', 'truee', '', 'f']) expect(schema.safeParse(junk).success).toBe(false);
  });
});
