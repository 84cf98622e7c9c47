import { GatewayError } from '../../../src/errors';
import { mergeParamBags } from '../../../src/stripe/params/param-bag';
import { parseForm } from '../../../src/stripe/params/parse-form';
import { parseJson } from '../../../src/stripe/params/parse-json';

const malformed = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return (error as GatewayError).message;
  }
  throw new Error('expected a 400');
};

describe('parseForm (Rack-style)', () => {
  it('decodes stripe-node’s captured create body', () => {
    const body =
      'mode=payment&success_url=https%3A%2F%2Fexample.com%2Fok%3Fsession_id%3D%7BCHECKOUT_SESSION_ID%7D' +
      '&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1234' +
      '&line_items[0][price_data][product_data][name]=T%20shirt%20%26%20co' +
      '&line_items[0][price_data][product_data][images][0]=https%3A%2F%2Fx%2Fy.png&line_items[0][quantity]=2' +
      '&line_items[1][price]=price_123&line_items[1][quantity]=1' +
      '&line_items[1][adjustable_quantity][enabled]=true&line_items[1][adjustable_quantity][maximum]=5' +
      '&metadata[order_id]=A%201&metadata[empty]=&expand[0]=line_items&expand[1]=payment_intent&customer_email=';
    expect(parseForm(body)).toEqual({
      mode: 'payment',
      success_url: 'https://example.com/ok?session_id={CHECKOUT_SESSION_ID}',
      line_items: {
        0: {
          price_data: { currency: 'usd', unit_amount: '1234', product_data: { name: 'T shirt & co', images: { 0: 'https://x/y.png' } } },
          quantity: '2',
        },
        1: { price: 'price_123', quantity: '1', adjustable_quantity: { enabled: 'true', maximum: '5' } },
      },
      metadata: { order_id: 'A 1', empty: '' },
      expand: { 0: 'line_items', 1: 'payment_intent' },
      customer_email: '',
    });
  });

  it('reads curl’s a[]= style, including arrays of objects', () => {
    expect(parseForm('expand[]=a&expand[]=b&line_items[][price]=p1&line_items[][quantity]=1&line_items[][price]=p2')).toEqual({
      expand: ['a', 'b'],
      line_items: [{ price: 'p1', quantity: '1' }, { price: 'p2' }],
    });
  });

  it('treats + as a space, keeps the last duplicate, and skips empty pairs', () => {
    expect(parseForm('a=1+2&&a=3&b')).toEqual({ a: '3', b: '' });
    expect(parseForm('name=Jos%C3%A9+%F0%9F%98%80')).toEqual({ name: 'José 😀' });
  });

  it('refuses __proto__ anywhere', () => {
    for (const body of ['__proto__[x]=1', 'a[__proto__]=1', 'a[b][__proto__]=1']) {
      expect(malformed(() => parseForm(body))).toContain('Invalid parameter name');
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('builds bags without a prototype, so constructor and prototype are ordinary names (Stripe accepts them)', () => {
    const bag = parseForm('metadata[constructor]=1&metadata[prototype]=2&constructor=3&toString[x]=4');
    expect(Object.getPrototypeOf(bag)).toBeNull();
    expect(Object.getPrototypeOf(bag.metadata)).toBeNull();
    expect({ ...bag }).toEqual({ metadata: { constructor: '1', prototype: '2' }, constructor: '3', toString: { x: '4' } });
    expect(typeof Object.prototype.toString).toBe('function');
  });

  it('refuses bad percent-encoding, invalid UTF-8, unbalanced brackets and conflicting shapes', () => {
    expect(malformed(() => parseForm('a=%E0%A4%A'))).toContain('percent-encoding');
    expect(malformed(() => parseForm('a=%FF%FE'))).toContain('percent-encoding');
    // Invalid UTF-8 bytes are refused before parsing (stripe-params middleware); decoded text is taken as is.
    expect(parseForm('a=\uFFFD')).toEqual({ a: '\uFFFD' });
    expect(malformed(() => parseForm('a[b=1'))).toContain('Invalid parameter name');
    expect(malformed(() => parseForm('a]=1'))).toContain('Invalid parameter name');
    expect(malformed(() => parseForm('a=1&a[b]=2'))).toContain('conflicts');
    expect(malformed(() => parseForm('a[b]=1&a=2'))).toContain('conflicts');
    expect(malformed(() => parseForm('a[]=1&a[b]=2'))).toContain('conflicts');
  });

  it('limits nesting depth and the number of pairs', () => {
    expect(parseForm('a[b][c][d][e][f][g][h]=1')).toHaveProperty('a');
    expect(malformed(() => parseForm('a[b][c][d][e][f][g][h][i]=1'))).toContain('nested too deeply');
    expect(malformed(() => parseForm(Array.from({ length: 5001 }, (_, i) => `k${i}=1`).join('&')))).toContain('more than 5000');
  });

  it('counts the objects and lists a name opens toward the 5,000 values, not only the pairs', () => {
    // 2,500 pairs, each opening an object of its own: 5,001 values with the list.
    expect(malformed(() => parseForm(Array.from({ length: 2500 }, () => 'line_items[][x]=').join('&')))).toContain('more than 5000');
    expect(malformed(() => parseForm(Array.from({ length: 2500 }, (_, i) => `line_items[${i}][x]=`).join('&')))).toContain('more than 5000');
    expect(Object.keys(parseForm(Array.from({ length: 2499 }, (_, i) => `line_items[${i}][x]=`).join('&')).line_items ?? {})).toHaveLength(2499);
  });

  it('reads a megabyte of separators or pluses in one linear pass', () => {
    const megabyte = 1024 * 1024;
    expect(parseForm(`${'&'.repeat(megabyte)}a=1${'&'.repeat(megabyte)}`)).toEqual({ a: '1' });
    expect(parseForm(`a=${'+'.repeat(megabyte)}`).a).toBe(' '.repeat(megabyte));
    // `+` is a space in names too, and `%2B` stays a plus; other code units are kept as they are.
    expect(parseForm('a+b=c+%2B+d&e=\u00e9+\ud83d\ude00+\ud800')).toEqual({ 'a b': 'c + d', e: '\u00e9 \ud83d\ude00 \ud800' });
  });
});

describe('parseJson', () => {
  it('stringifies scalars so one schema validates both encodings', () => {
    expect(parseJson('{"a":1,"b":true,"c":null,"d":[1,{"e":2.5}]}')).toEqual({ a: '1', b: 'true', c: '', d: ['1', { e: '2.5' }] });
    expect(parseJson('')).toEqual({});
  });

  it('refuses non-objects, bad JSON, prototype keys and deep nesting', () => {
    expect(malformed(() => parseJson('[1]'))).toContain('must be an object');
    expect(malformed(() => parseJson('{"a":'))).toContain('not valid JSON');
    expect(malformed(() => parseJson('{"__proto__":{"x":1}}'))).toContain('Invalid parameter name');
    expect(Object.getPrototypeOf(parseJson('{"metadata":{"constructor":"1"}}').metadata)).toBeNull();
    expect(malformed(() => parseJson('{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}'))).toContain('nested too deeply');
  });

  it('names the parameter in its errors by its bracket path', () => {
    expect(malformed(() => parseJson('{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}'))).toBe(
      'Invalid request: a[b][c][d][e][f][g][h][i] is nested too deeply.',
    );
    expect(malformed(() => parseJson('{"line_items":[{"price":"p"},{"__proto__":{}}]}'))).toBe('Invalid parameter name: line_items[1][__proto__]');
    expect(malformed(() => parseJson(`{"metadata":{"${'k'.repeat(501)}":""}}`))).toBe(`Invalid parameter name: metadata[${'k'.repeat(91)}`);
  });

  it('counts every value toward the 5,000, objects and lists included (a body of empty objects is no exception)', () => {
    const objects = (n: number) => JSON.stringify({ line_items: Array.from({ length: n }, () => ({})) });
    expect(malformed(() => parseJson(objects(5000)))).toContain('more than 5000');
    expect(parseJson(objects(4999)).line_items).toHaveLength(4999);
    expect(malformed(() => parseJson(JSON.stringify({ a: Array.from({ length: 5000 }, () => []) })))).toContain('more than 5000');
  });

  it('refuses a megabyte of values or of nesting before parsing it, and counts nothing inside strings', () => {
    const megabyte = 1024 * 1024;
    expect(malformed(() => parseJson(`{"line_items":[${'{},'.repeat(megabyte / 3)}{}]}`))).toContain('more than 5000');
    expect(malformed(() => parseJson(`{"a":${'['.repeat(megabyte / 2)}${']'.repeat(megabyte / 2)}}`))).toContain('nested too deeply');
    // Commas, brackets and escaped quotes inside strings are text, not values.
    const text = `${',{['.repeat(3000)}\\"${'\\\\'.repeat(10)}`;
    expect(parseJson(JSON.stringify({ a: text, b: 'x' }))).toEqual({ a: text, b: 'x' });
    // The pre-check never refuses what the count accepts: 5,000 values, 4,999 commas.
    expect(Object.keys(parseJson(JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])))))).toHaveLength(5000);
  });
});

describe('mergeParamBags (query and body as one bag, docs/stripe-checkout-contract.md §2.1)', () => {
  it('merges at every depth; lists are joined, query first; the body wins a clash', () => {
    const query = parseForm('metadata[a]=1&expand[]=x&mode=payment&line_items[0][price]=q');
    const body = parseForm('metadata[b]=2&expand[]=y&mode=subscription&line_items[0][quantity]=2&line_items[1][price]=p');
    expect(mergeParamBags(query, body)).toEqual({
      metadata: { a: '1', b: '2' },
      expand: ['x', 'y'],
      mode: 'subscription',
      line_items: { 0: { price: 'q', quantity: '2' }, 1: { price: 'p' } },
    });
    expect(mergeParamBags(parseForm('a[b]=1'), parseForm('a=2'))).toEqual({ a: '2' });
    expect(Object.getPrototypeOf(mergeParamBags(query, body))).toBeNull();
  });
});
