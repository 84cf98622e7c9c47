import { settlesWithin } from '../../src/background/settles-within';

describe('settlesWithin', () => {
  it('is true for work that resolves or rejects in time, false for work that does not', async () => {
    expect(await settlesWithin(Promise.resolve('ok'), 50)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('refused')), 50)).toBe(true);
    const started = Date.now();
    expect(await settlesWithin(new Promise(() => undefined), 50)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
