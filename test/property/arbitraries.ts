import fc from 'fast-check';

/**
 * Generators of hostile Stripe parameters, shared by the parser and route properties. The pools
 * never contain a value that makes a request valid on its own (no mapped price id, no valid
 * currency with product data), so a generated create or update can never succeed by chance.
 */

/** Names that reach Object.prototype when used as keys on a plain object: generated everywhere. */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
/**
 * The names the decoders refuse. Bags have no prototype (param-bag.ts `emptyBag`), so only
 * `__proto__`, which would replace a plain copy's prototype, is refused; `constructor` and
 * `prototype` are ordinary keys (Stripe accepts them, e.g. in metadata).
 */
export const REFUSED_KEYS = ['__proto__'] as const;
/** Names a plain object inherits: a parser that reads `bag[name]` sees a function there. */
export const INHERITED_KEYS = [
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
] as const;
/** Real Stripe parameter names, so hostile values reach the schemas and not only the parser. */
export const STRIPE_NAMES = [
  'mode',
  'line_items',
  'price',
  'price_data',
  'product_data',
  'name',
  'quantity',
  'metadata',
  'expand',
  'currency',
  'unit_amount',
  'unit_amount_decimal',
  'success_url',
  'cancel_url',
  'customer_email',
  'client_reference_id',
  'limit',
  'starting_after',
  'ending_before',
  'created',
  'gte',
  'type',
  'types',
  'status',
  'customer_details',
  'email',
  'adjustable_quantity',
  'enabled',
  'maximum',
  'recurring',
  'interval',
  'product',
  'active',
  'lookup_keys',
  'ui_mode',
  'expires_at',
] as const;

const INDEX_LIKE = ['0', '1', '99', '-1', '00', '1e3', '4294967296', '9007199254740993', ''] as const;

/** Values Stripe's schemas must refuse or treat as plain text: numbers out of range, junk, encodings. */
export const hostileScalar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e400',
    '9'.repeat(400),
    '-9007199254740993',
    '1.5',
    'NaN',
    'Infinity',
    'true',
    'null',
    'undefined',
    '{}',
    '[]',
    'payment',
    'subscription',
    'setup',
    'line_items',
    'data.line_items',
    'data.price.product',
    'price_not_mapped_anywhere',
    'cs_test_does_not_exist',
    'evt_does_not_exist',
    'https://example.com',
    'javascript:alert(1)',
    'a@b',
    '%',
    '%zz',
    '%FF%FE',
    '%C0%AF',
    '%E0%A4%A',
    '%00',
    '\u0000',
    '\uFEFF',
    '\u202E',
    '😀',
    'é',
    '\uFFFD',
    'a'.repeat(6000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.bigInt().map(String),
  fc.double().map(String),
);

/** One key segment: Stripe names, prototype names, integer-ish indexes, random unicode, huge keys. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...STRIPE_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...FORBIDDEN_KEYS, ...INHERITED_KEYS, 'call', 'apply', 'bind', 'length', 'name') },
  { weight: 2, arbitrary: fc.constantFrom(...INDEX_LIKE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant('k'.repeat(600)) },
);

/** A parameter name: well-formed brackets over hostile segments, or a random bracket soup. */
export const hostileName: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(hostileSegment, fc.array(hostileSegment, { maxLength: 12 })).map(([head, rest]) => head + rest.map((segment) => `[${segment}]`).join('')),
  fc.string({ unit: fc.constantFrom('[', ']', 'a', '_', '0', '[]', '][', '%5B', '%5D', '='), maxLength: 30 }),
  fc.integer({ min: 9, max: 80 }).map((depth) => `a${'[a]'.repeat(depth)}`),
);

/** How a pair goes on the wire: raw, as stripe-node encodes it, or fully percent-encoded. */
export type Encoding = 'raw' | 'stripe' | 'uri';

export function encodeComponent(text: string, encoding: Encoding): string {
  if (encoding === 'raw') return text;
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return encoding === 'stripe' ? encoded.replace(/%5B/g, '[').replace(/%5D/g, ']') : encoded;
}

/** A form body or query string of hostile pairs: duplicates, empty values, junk encodings. */
export const hostileForm: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      hostileName,
      fc.option(hostileScalar, { nil: undefined }),
      fc.constantFrom<Encoding>('raw', 'stripe', 'uri'),
      fc.constantFrom('&', '&&', ';', '&=&'),
    ),
    { maxLength: 15 },
  )
  .map((pairs) =>
    pairs
      .map(([name, value, encoding, separator], i) => {
        const pair = value === undefined ? encodeComponent(name, encoding) : `${encodeComponent(name, encoding)}=${encodeComponent(value, encoding)}`;
        return i === 0 ? pair : `${separator}${pair}`;
      })
      .join(''),
  );

/** JSON texts of the wrong shape: arrays, scalars, deep nesting, prototype keys, huge numbers. */
export const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .dictionary(
      hostileSegment,
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileScalar, fc.dictionary(hostileSegment, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
      { maxKeys: 6 },
    )
    .map((object) => JSON.stringify(object)),
  fc.constantFrom(
    '{"a":1e400}',
    '{"limit":1e400}',
    '{"line_items":[{"quantity":99999999999999999999999}]}',
    '{"a":1,"a":{"b":2}}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"metadata":{"toString":"x","hasOwnProperty":"y"}}',
    '{"expand":{"0":"line_items","x":"y"}}',
    'null',
    '"string"',
    '42',
    'true',
    '[]',
    '{',
    '{"a":"\\ud800"}',
    '\uFEFF{}',
  ),
  fc.integer({ min: 9, max: 200 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 9, max: 200 }).map((depth) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`),
);

/** Bodies as bytes: hostile forms, hostile JSON, random bytes (invalid UTF-8 most of the time). */
export const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  hostileForm.map((text) => Buffer.from(text, 'utf8')),
  hostileJson.map((text) => Buffer.from(text, 'utf8')),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(hostileForm, fc.uint8Array({ minLength: 1, maxLength: 8 }))
    .map(([text, bytes]) => Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from('&x='), Buffer.from(bytes.map((b) => b | 0x80))])),
);

export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/json',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'text/plain',
  'text/html',
  'application/octet-stream',
  'multipart/form-data; boundary=xyz',
  'garbage',
  'application/json, text/plain',
  undefined,
);

/**
 * A query string safe to put in a request line: hostile pairs with every byte outside printable
 * ASCII percent-encoded (the way any HTTP client sends it), so `%FF` still arrives as invalid UTF-8.
 */
export const hostileQuery: fc.Arbitrary<string> = hostileForm.map((text) => toRequestTarget(text));

export function toRequestTarget(text: string): string {
  return [...text].map((c) => (/^[\x21-\x7e]$/.test(c) && c !== '#' ? c : encodeURIComponent(c))).join('');
}

/** Every own key of every built-in a decoder could reach by walking `bag[name]` up the prototype chain. */
export function builtinKeys(): Set<string> {
  const targets: [string, object][] = [
    ['Object.prototype', Object.prototype],
    ['Array.prototype', Array.prototype],
    ['Function.prototype', Function.prototype],
    ['String.prototype', String.prototype],
  ];
  for (const [owner, proto] of [
    ['Object.prototype', Object.prototype],
    ['Array.prototype', Array.prototype],
  ] as const) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const value: unknown = Object.getOwnPropertyDescriptor(proto, name)?.value;
      if (typeof value === 'function') targets.push([`${owner}.${name}`, value]);
    }
  }
  return new Set(targets.flatMap(([name, object]) => Reflect.ownKeys(object).map((key) => `${name}.${String(key)}`)));
}

/** Properties added to a built-in since `before` (empty when nothing was touched). */
export function pollutionSince(before: Set<string>): string[] {
  return [...builtinKeys()].filter((key) => !before.has(key));
}
