import { freshOperationKey, operationFingerprint, shouldStoreResponse } from '../../../src/http/middleware/idempotency-policy';

describe('idempotency policy', () => {
  const path = '/v1/checkout/sessions';

  it('fingerprints tenant, key, method, path and parameters, whatever their order', () => {
    const a = operationFingerprint('t1', 'k', 'POST', path, { mode: 'payment', line_items: { 0: { price: 'p', quantity: '1' } } });
    const b = operationFingerprint('t1', 'k', 'POST', path, { line_items: { 0: { quantity: '1', price: 'p' } }, mode: 'payment' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(operationFingerprint('t1', 'k', 'POST', path, { mode: 'subscription' })).not.toBe(
      operationFingerprint('t1', 'k', 'POST', path, { mode: 'payment' }),
    );
    expect(operationFingerprint('t1', 'k', 'POST', `${path}/cs_1`, {})).not.toBe(operationFingerprint('t1', 'k', 'POST', `${path}/cs_1/expire`, {}));
    expect(operationFingerprint('t1', 'k', 'POST', path, { a: ['1', '2'] })).not.toBe(
      operationFingerprint('t1', 'k', 'POST', path, { a: ['2', '1'] }),
    );
    expect(operationFingerprint('t1', 'k', 'POST', path, {})).not.toBe(operationFingerprint('t2', 'k', 'POST', path, {}));
    expect(operationFingerprint('t1', 'k', 'POST', path, {})).not.toBe(operationFingerprint('t1', 'other', 'POST', path, {}));
  });

  it('gives requests without a key an operation of their own', () => {
    expect(freshOperationKey()).not.toBe(freshOperationKey());
  });

  it('keeps only successful answers for replay', () => {
    expect([200, 201, 400, 404, 409, 500, 502, 503].map(shouldStoreResponse)).toEqual([true, true, false, false, false, false, false, false]);
  });
});
