import { hash } from 'node:crypto';
import fc from 'fast-check';
import { operationFingerprint } from '../../../src/http/middleware/idempotency-policy';
import type { ParamBag, ParamValue } from '../../../src/stripe/params/param-bag';

/**
 * The fingerprint every earlier version wrote (sha256 over the tenant, key, method, path and the
 * parameters as key-sorted JSON), written out here independently. An operation started before an
 * upgrade must keep its fingerprint after it: a retry spanning the deploy would otherwise be
 * refused as a reused key, and its derived Loops keys would change.
 */
function earlierFingerprint(tenantId: string, key: string, method: string, path: string, params: ParamBag): string {
  const canonical = (value: ParamValue): string => {
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] ?? '')}`).join(',')}}`;
  };
  return hash('sha256', `${tenantId}\n${key}\n${method} ${path}\n${canonical(params)}`, 'hex');
}

// Keys as clients send them, integer-like ones ("0", "10", "2") and characters JSON escapes included.
const paramKey = fc.oneof(fc.string({ maxLength: 6 }), fc.nat({ max: 120 }).map(String), fc.constantFrom('price', 'quantity', 'a"b', 'x\\y', 'é'));
const { bag } = fc.letrec<{ value: ParamValue; bag: ParamBag }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 8 }), fc.array(tie('value'), { maxLength: 4 }), tie('bag')),
  bag: fc.dictionary(paramKey, tie('value'), { maxKeys: 5 }) as fc.Arbitrary<ParamBag>,
}));

describe('request fingerprint across upgrades', () => {
  it('is the earlier versions’ fingerprint for any parameters', () => {
    fc.assert(
      fc.property(bag, fc.string({ maxLength: 10 }), (params, key) => {
        expect(operationFingerprint('tenant_1', key, 'POST', '/v1/checkout/sessions', params)).toBe(
          earlierFingerprint('tenant_1', key, 'POST', '/v1/checkout/sessions', params),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('sorts integer-like keys as strings, as the earlier versions did ("10" before "2")', () => {
    const params = { metadata: { '2': 'b', '10': 'a', z: 'c' } };
    expect(operationFingerprint('t', 'k', 'POST', '/v1/x', params)).toBe(earlierFingerprint('t', 'k', 'POST', '/v1/x', params));
  });
});
