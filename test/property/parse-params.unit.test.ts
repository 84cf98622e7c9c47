import fc from 'fast-check';
import { GatewayError } from '../../src/errors';
import { PARAM_LIMITS, type ParamBag, type ParamValue } from '../../src/stripe/params/param-bag';
import { parseForm } from '../../src/stripe/params/parse-form';
import { parseJson } from '../../src/stripe/params/parse-json';
import {
  builtinKeys,
  encodeComponent,
  FORBIDDEN_KEYS,
  hostileForm,
  hostileJson,
  INHERITED_KEYS,
  pollutionSince,
  REFUSED_KEYS,
  STRIPE_NAMES,
} from './arbitraries';

/**
 * Properties of the two body decoders (docs/stripe-checkout-contract.md §2.1): whatever the bytes, a bag within
 * PARAM_LIMITS or a 400 GatewayError, and no global object touched. fast-check prints the seed and
 * the shrunk counterexample of any failure; rerun with `{ seed, path }` from that report.
 */

const RUNS = 300;

const BUILTINS = builtinKeys();

/** A decoder's contract: a bag, or a GatewayError 400 (`malformed_body`); anything else is a bug. */
function decode(parse: (text: string) => ParamBag, text: string): { bag: ParamBag } | { error: GatewayError } {
  try {
    return { bag: parse(text) };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw new Error(`not a GatewayError: ${String(error)}`);
    expect(error.status).toBe(400);
    expect(error.errorName).toBe('malformed_body');
    return { error };
  }
}

/** Every key safe, every path within the depth limit, leaves are strings, and values (leaves, objects, lists) within the limit. */
function expectWithinLimits(bag: ParamBag): void {
  let values = -1; // the root bag is not a value
  const walk = (value: ParamValue, depth: number) => {
    values += 1;
    if (typeof value === 'string') return;
    if (Array.isArray(value)) {
      expect(Object.getPrototypeOf(value)).toBe(Array.prototype);
      for (const item of value) {
        expect(depth).toBeLessThanOrEqual(PARAM_LIMITS.maxDepth);
        walk(item, depth + 1);
      }
      return;
    }
    // No prototype: nothing to inherit, nothing shared to pollute.
    expect(Object.getPrototypeOf(value)).toBeNull();
    for (const key of Reflect.ownKeys(value)) {
      expect(typeof key).toBe('string');
      expect(REFUSED_KEYS).not.toContain(key);
      expect((key as string).length).toBeLessThanOrEqual(PARAM_LIMITS.maxKeyLength);
      expect(depth).toBeLessThanOrEqual(PARAM_LIMITS.maxDepth);
      walk(value[key as string] as ParamValue, depth + 1);
    }
  };
  walk(bag, 1);
  expect(values).toBeLessThanOrEqual(PARAM_LIMITS.maxValues);
}

const anyText = fc.oneof(
  hostileForm,
  hostileJson,
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('[', ']', '=', '&', '%', 'a', '0', '+', '{', '}', '"', ':', ','), maxLength: 80 }),
  // Random bytes decoded leniently (invalid sequences as U+FFFD): text the parsers must survive.
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
);

describe('parseForm / parseJson properties', () => {
  afterEach(() => {
    // Belt and braces: a pollution a property missed would still fail the file here.
    expect(pollutionSince(BUILTINS)).toEqual([]);
  });

  it.each([
    ['parseForm', parseForm],
    ['parseJson', parseJson],
  ])('%s: any text gives a bag within PARAM_LIMITS or a 400, and never touches a built-in', (_name, parse) => {
    fc.assert(
      fc.property(anyText, (text) => {
        const before = builtinKeys();
        const outcome = decode(parse, text);
        if ('bag' in outcome) expectWithinLimits(outcome.bag);
        expect(pollutionSince(before)).toEqual([]);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('inherited names (toString, hasOwnProperty, …) are ordinary keys, never a way into a built-in', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INHERITED_KEYS),
        fc.array(fc.constantFrom('a', 'call', 'apply', 'x', '0'), { minLength: 1, maxLength: 3 }),
        fc.string({ maxLength: 5 }),
        (head, rest, value) => {
          const name = head + rest.map((segment) => `[${segment}]`).join('');
          const before = builtinKeys();
          const outcome = decode(parseForm, `${name}=${encodeURIComponent(value)}`);
          expect(pollutionSince(before)).toEqual([]);
          // The value lands in the bag under its own key, exactly as JSON would put it.
          expect(outcome).toEqual({ bag: expect.anything() });
          if ('bag' in outcome) expect(Object.hasOwn(outcome.bag, head)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('limits: values, depth and key length are enforced at the boundary, for forms and JSON alike', () => {
    const { maxValues, maxDepth, maxKeyLength } = PARAM_LIMITS;
    fc.assert(
      fc.property(
        fc.constantFrom('form', 'json'),
        fc.oneof(
          fc.record({ kind: fc.constant('pairs' as const), n: fc.integer({ min: maxValues - 3, max: maxValues + 3 }) }),
          // Objects count as values too: `{"a":[{},…]}` holds n + 1 values, `a[i][k]=` pairs 2n + 1.
          fc.record({ kind: fc.constant('objects' as const), n: fc.integer({ min: Math.floor(maxValues / 2) - 3, max: maxValues + 3 }) }),
          fc.record({ kind: fc.constant('depth' as const), n: fc.integer({ min: 1, max: maxDepth + 4 }) }),
          fc.record({ kind: fc.constant('key' as const), n: fc.integer({ min: maxKeyLength - 3, max: maxKeyLength + 3 }) }),
        ),
        (encoding, { kind, n }) => {
          let text: string;
          let allowed: boolean;
          if (kind === 'pairs') {
            const keys = Array.from({ length: n }, (_, i) => `k${i}`);
            text = encoding === 'form' ? keys.map((k) => `${k}=1`).join('&') : JSON.stringify(Object.fromEntries(keys.map((k) => [k, 1])));
            allowed = n <= maxValues;
          } else if (kind === 'objects') {
            text =
              encoding === 'form'
                ? Array.from({ length: n }, (_, i) => `a[${i}][k]=`).join('&')
                : JSON.stringify({ a: Array.from({ length: n }, () => ({})) });
            allowed = (encoding === 'form' ? 2 * n + 1 : n + 1) <= maxValues;
          } else if (kind === 'depth') {
            text = encoding === 'form' ? `a${'[a]'.repeat(n - 1)}=1` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
            allowed = n <= maxDepth;
          } else {
            const key = 'k'.repeat(n);
            text = encoding === 'form' ? `${key}=1` : JSON.stringify({ [key]: 1 });
            allowed = n <= maxKeyLength;
          }
          const outcome = decode(encoding === 'form' ? parseForm : parseJson, text);
          expect('bag' in outcome).toBe(allowed);
        },
      ),
      { numRuns: RUNS },
    );
  });

  // stripe-node's encoder (docs/stripe-checkout-contract.md §2.1): indexed arrays, encodeURIComponent, then
  // !*()' escaped too, then %5B/%5D turned back into brackets. Keys are encoded the same way.
  type Node = string | Node[] | { [key: string]: Node };

  function stripeEncode(value: Node, prefix: string, pairs: string[]): string[] {
    if (typeof value === 'string') {
      pairs.push(`${encodeComponent(prefix, 'stripe')}=${encodeComponent(value, 'stripe')}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stripeEncode(item, `${prefix}[${i}]`, pairs));
    } else {
      for (const [key, item] of Object.entries(value)) stripeEncode(item, prefix ? `${prefix}[${key}]` : key, pairs);
    }
    return pairs;
  }

  /** What parseForm keeps: arrays as integer-keyed maps (param-bag.ts; the schemas turn them back). */
  function asParsed(value: Node): ParamValue {
    if (typeof value === 'string') return value;
    const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
    return Object.fromEntries(entries.map(([key, item]) => [key, asParsed(item)]));
  }

  // `constructor` and `prototype` round-trip like any name; only `__proto__` is refused.
  const key = fc.oneof(
    fc.constantFrom(...STRIPE_NAMES, ...INHERITED_KEYS, ...FORBIDDEN_KEYS.filter((k) => k !== '__proto__'), '0', '1'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }).filter((k) => !/[[\]]/.test(k) && !(REFUSED_KEYS as readonly string[]).includes(k)),
  );
  const leaf = fc.string({ unit: 'binary', maxLength: 20 });
  // Depth counts bracket levels: the top-level key is level 1, a leaf may sit at most at level 8.
  const nodeAt = (level: number): fc.Arbitrary<Node> =>
    level >= PARAM_LIMITS.maxDepth
      ? leaf
      : fc.oneof(
          { weight: 3, arbitrary: leaf },
          {
            weight: 1,
            arbitrary: fc.array(
              fc.constant(null).chain(() => nodeAt(level + 1)),
              { minLength: 1, maxLength: 3 },
            ),
          },
          {
            weight: 1,
            arbitrary: fc.dictionary(
              key,
              fc.constant(null).chain(() => nodeAt(level + 1)),
              { minKeys: 1, maxKeys: 3 },
            ),
          },
        );
  const params = fc.dictionary(key, nodeAt(1), { minKeys: 1, maxKeys: 6 });

  it('round-trips whatever stripe-node encodes (arrays come back as integer-keyed maps)', () => {
    fc.assert(
      fc.property(params, (tree) => {
        const body = stripeEncode(tree, '', []).join('&');
        expect(parseForm(body)).toEqual(asParsed(tree));
      }),
      { numRuns: RUNS },
    );
  });
});
