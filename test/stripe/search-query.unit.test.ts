import fc from 'fast-check';
import { isGatewayError } from '../../src/errors';
import { matchesSearch, parseSearchQuery, type SearchFields } from '../../src/stripe/params/search-query';
import { decodePageToken, encodePageToken } from '../../src/stripe/params/search-page-token';
import { previousAttributes } from '../../src/stripe/objects/previous-attributes';

const CUSTOMER_FIELDS: SearchFields = { email: 'text', name: 'text', phone: 'text', created: 'number', metadata: 'metadata' };

const customer = { email: 'Jenny@Example.com', name: 'Jenny Rosen', phone: null, created: 1_700_000_000, metadata: { plan: 'pro', tier: 'gold' } };
const valueOf = (field: string, key?: string) =>
  field === 'metadata' ? (customer.metadata as Record<string, string>)[key ?? ''] : ((customer as Record<string, unknown>)[field] as never);
const matches = (query: string) => matchesSearch(parseSearchQuery(query, CUSTOMER_FIELDS), valueOf);

const PRICE_FIELDS: SearchFields = { active: 'boolean', type: 'text', currency: 'text' };

describe('Stripe search queries', () => {
  it('parses the clauses stripe-node users write, with AND or OR', () => {
    expect(parseSearchQuery("email:'a@b.com'", CUSTOMER_FIELDS)).toEqual({
      joiner: 'AND',
      clauses: [{ field: 'email', operator: ':', value: 'a@b.com', negated: false }],
    });
    expect(parseSearchQuery("metadata['plan']:'pro' OR -name~\"jen\"", CUSTOMER_FIELDS)).toEqual({
      joiner: 'OR',
      clauses: [
        { field: 'metadata', metadataKey: 'plan', operator: ':', value: 'pro', negated: false },
        { field: 'name', operator: '~', value: 'jen', negated: true },
      ],
    });
    expect(parseSearchQuery('created>=1700000000 AND created<-5', CUSTOMER_FIELDS).clauses.map((c) => [c.operator, c.value])).toEqual([
      ['>=', 1_700_000_000],
      ['<', -5],
    ]);
  });

  it('joins clauses separated by a space alone with AND, and reads and/or in any case (Stripe’s query language)', () => {
    // documenso's query (docs/migrating.md "What real Checkout apps call"): two clauses, a space between them.
    expect(parseSearchQuery("active:'true' type:'recurring'", PRICE_FIELDS)).toEqual({
      joiner: 'AND',
      clauses: [
        { field: 'active', operator: ':', value: 'true', negated: false },
        { field: 'type', operator: ':', value: 'recurring', negated: false },
      ],
    });
    expect(parseSearchQuery("active:'true' -type:'one_time'", PRICE_FIELDS).clauses.map((c) => c.negated)).toEqual([false, true]);
    expect(parseSearchQuery("active:'true' or type:'recurring'", PRICE_FIELDS).joiner).toBe('OR');
    expect(() => parseSearchQuery("active:'true' type:'recurring' OR currency:'usd'", PRICE_FIELDS)).toThrow(/mix AND and OR/);
  });

  it('matches exact text case-insensitively, substrings, numbers, metadata, null and negation', () => {
    expect(matches("email:'jenny@example.com'")).toBe(true);
    expect(matches("email:'jenny@example'")).toBe(false);
    expect(matches("name~'ROSE'")).toBe(true);
    expect(matches("metadata['plan']:'pro' AND metadata['tier']:'gold'")).toBe(true);
    expect(matches("metadata['plan']:'basic' OR created>1600000000")).toBe(true);
    expect(matches("metadata['missing']:'x'")).toBe(false);
    expect(matches('phone:null')).toBe(true);
    expect(matches("-email:'jenny@example.com'")).toBe(false);
    expect(matches('created<1600000000')).toBe(false);
  });

  it.each([
    ['', /empty/],
    ["colour:'red'", /not a field/],
    ["email:'a' AND name:'b' OR phone:'c'", /mix AND and OR/],
    ["email~'ab'", /at least 3/],
    ["email>'a'", /compares numbers/],
    ["email:'unterminated", /not closed/],
    ['email:bare', /quoted strings/],
    ["metadata:'x'", /metadata\['key'\]/],
    [Array.from({ length: 11 }, () => "email:'a@b.c'").join(' AND '), /at most 10 clauses/],
    ['x'.repeat(1001), /longer than 1000/],
  ])('refuses %j with a 400 on `query`', (query, reason) => {
    let error: unknown;
    try {
      parseSearchQuery(query, CUSTOMER_FIELDS);
    } catch (e) {
      error = e;
    }
    expect(isGatewayError(error) && error.status === 400 && error.param === 'query').toBe(true);
    expect((error as Error).message).toMatch(reason);
  });

  it('any string either parses or is a 400 on `query` — never another exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (query) => {
        try {
          parseSearchQuery(query, CUSTOMER_FIELDS);
        } catch (error) {
          return isGatewayError(error) && error.param === 'query';
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('search page tokens', () => {
  it('round-trip a scan position and refuse anything they did not make', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 200 }), (position) => decodePageToken(encodePageToken(position)) === position));
    for (const bad of ['', 'page_', 'pg_2', 'page_!!', `page_${'A'.repeat(500)}`]) expect(() => decodePageToken(bad)).toThrow(/Invalid page/);
  });
});

describe('previous_attributes', () => {
  it('holds the old values of just the changed top-level fields; whole objects when anything inside changed', () => {
    const before = { id: 'cus_1', email: 'a@b.c', metadata: { a: '1', b: '2' }, name: null };
    expect(previousAttributes(before, { ...before, email: 'x@y.z', metadata: { a: '1', b: '3' } })).toEqual({
      email: 'a@b.c',
      metadata: { a: '1', b: '2' },
    });
    expect(previousAttributes(before, { ...before, name: 'Jo' })).toEqual({ name: null });
    expect(previousAttributes(before, { ...before })).toBeUndefined();
  });
});
