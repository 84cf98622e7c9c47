import { operationKeyFor, requestFingerprint, shouldStoreResponse } from '../../../src/http/middleware/idempotency-policy';

describe('idempotency policy', () => {
  it('fingerprints method, path and parameters, whatever their order', () => {
    const a = requestFingerprint('POST', '/v1/checkout/sessions', { mode: 'payment', line_items: { 0: { price: 'p', quantity: '1' } } });
    const b = requestFingerprint('POST', '/v1/checkout/sessions', { line_items: { 0: { quantity: '1', price: 'p' } }, mode: 'payment' });
    expect(a).toBe(b);
    expect(requestFingerprint('POST', '/v1/checkout/sessions', { mode: 'subscription' })).not.toBe(
      requestFingerprint('POST', '/v1/checkout/sessions', { mode: 'payment' }),
    );
    expect(requestFingerprint('POST', '/v1/checkout/sessions/cs_1', {})).not.toBe(
      requestFingerprint('POST', '/v1/checkout/sessions/cs_1/expire', {}),
    );
    expect(requestFingerprint('POST', '/x', { a: ['1', '2'] })).not.toBe(requestFingerprint('POST', '/x', { a: ['2', '1'] }));
  });

  it('derives one operation key per tenant, key and request, and a fresh one without a key', () => {
    expect(operationKeyFor('t1', 'k', 'f')).toBe(operationKeyFor('t1', 'k', 'f'));
    expect(operationKeyFor('t1', 'k', 'f')).not.toBe(operationKeyFor('t2', 'k', 'f'));
    expect(operationKeyFor('t1', 'k', 'f')).not.toBe(operationKeyFor('t1', 'k', 'g'));
    expect(operationKeyFor('t1', null, 'f')).not.toBe(operationKeyFor('t1', null, 'f'));
  });

  it('keeps only successful answers for replay', () => {
    expect([200, 201, 400, 404, 409, 500, 502, 503].map(shouldStoreResponse)).toEqual([true, true, false, false, false, false, false, false]);
  });
});
