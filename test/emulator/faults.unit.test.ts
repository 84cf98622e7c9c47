import { FaultStore, faultSpecSchema, globToRegExp } from '../../src/emulator/faults';

const spec = (input: Record<string, unknown>) => faultSpecSchema.parse(input);

describe('fault rules (docs/loops-contract.md §6)', () => {
  it('matches paths by glob, * spanning slashes, other characters literal', () => {
    const glob = globToRegExp('/api/v3/checkout/sessions*');
    expect(glob.test('/api/v3/checkout/sessions')).toBe(true);
    expect(glob.test('/api/v3/checkout/sessions/cs_1')).toBe(true);
    expect(glob.test('/api/v2/checkout/sessions')).toBe(false);
    expect(globToRegExp('/a.b').test('/aXb')).toBe(false);
  });

  it('filters by method when given', () => {
    const store = new FaultStore();
    store.add(spec({ method: 'post', path: '/api/*', mode: 'error', status: 503 }));
    expect(store.take('GET', '/api/v3/products')).toBeUndefined();
    expect(store.take('POST', '/api/v3/products')?.status).toBe(503);
  });

  it('removes a rule after `times` hits', () => {
    const store = new FaultStore();
    store.add(spec({ path: '/x', mode: 'drop', times: 2 }));
    expect(store.take('GET', '/x')?.mode).toBe('drop');
    expect(store.take('GET', '/x')?.mode).toBe('drop');
    expect(store.take('GET', '/x')).toBeUndefined();
    expect(store.list()).toEqual([]);
  });

  it('rolls the probability with the injected random source', () => {
    const rolls = [0.2, 0.8];
    const store = new FaultStore(() => rolls.shift() ?? 0);
    store.add(spec({ path: '/x', mode: 'hang', probability: 0.5 }));
    expect(store.take('GET', '/x')?.mode).toBe('hang');
    expect(store.take('GET', '/x')).toBeUndefined();
  });

  it('never fires at probability 0', () => {
    const store = new FaultStore(() => 0);
    store.add(spec({ path: '/x', mode: 'drop', probability: 0 }));
    expect(store.take('GET', '/x')).toBeUndefined();
    expect(store.list()[0]?.hits).toBe(0);
  });

  it('rejects a latency rule without latencyMs and an unknown mode', () => {
    expect(faultSpecSchema.safeParse({ path: '/x', mode: 'latency' }).success).toBe(false);
    expect(faultSpecSchema.safeParse({ path: '/x', mode: 'explode' }).success).toBe(false);
    expect(spec({ path: '/x', mode: 'error' })).toMatchObject({ probability: 1, phase: 'before' });
  });
});
