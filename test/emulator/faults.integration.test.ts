import { expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';

const SESSIONS = '/api/v3/checkout/sessions';

describe('fault injection (docs/loops-contract.md §6)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(USD_PRODUCT);
  });

  const addFault = async (fault: Record<string, unknown>) => {
    const reply = await h.admin('POST', '/_emulator/faults', fault);
    expect(reply.status).toBe(200);
    return reply.body as { id: string };
  };
  const stats = async () => (await h.admin('GET', '/_emulator/stats')).body;
  const rawCreate = (signal?: AbortSignal, key?: string) =>
    fetch(`${h.url}${SESSIONS}`, {
      method: 'POST',
      headers: { authorization: 'Bearer loops_test_key_1', 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ productId: USD_PRODUCT.id }),
      signal: signal ?? null,
    });

  it('latency delays the answer by latencyMs, then proceeds', async () => {
    await addFault({ method: 'GET', path: '/api/v3/products*', mode: 'latency', latencyMs: 300 });
    const started = performance.now();
    const reply = await h.api('GET', '/api/v3/products');
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    const quick = performance.now();
    await h.api('GET', '/api/v2/products');
    expect(performance.now() - quick).toBeLessThan(200);
  });

  it('error answers the status with the JSON error body and, before processing, changes nothing', async () => {
    await addFault({ path: `${SESSIONS}*`, mode: 'error', status: 503 });
    expectError(await h.api('POST', SESSIONS, { productId: USD_PRODUCT.id }), 503, 'emulator_fault');
    expect((await stats()).sessionsCreated).toBe(0);
  });

  it('error faults can carry Retry-After, a chosen code and message, an empty or a non-JSON body', async () => {
    await addFault({ path: SESSIONS, mode: 'error', status: 429, retryAfterSeconds: 2, code: 'rate_limited', message: 'Slow down', times: 1 });
    const limited = await rawCreate();
    expect([limited.status, limited.headers.get('retry-after'), await limited.json()]).toEqual([429, '2', { error: { message: 'Slow down', code: 'rate_limited' } }]);
    await addFault({ path: SESSIONS, mode: 'error', status: 502, body: 'empty', times: 1 });
    const empty = await rawCreate();
    expect([empty.status, await empty.text()]).toEqual([502, '']);
    await addFault({ path: SESSIONS, mode: 'error', status: 503, body: 'text', times: 1 });
    const html = await rawCreate();
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toMatch(/^<html>/);
    expect((await stats()).sessionsCreated).toBe(0);
    expect((await h.admin('POST', '/_emulator/faults', { path: SESSIONS, mode: 'drop', code: 'x' })).status).toBe(400);
  });

  it('drop destroys the socket without an answer', async () => {
    await addFault({ method: 'POST', path: SESSIONS, mode: 'drop' });
    await expect(rawCreate()).rejects.toThrow(/fetch failed/);
    expect((await stats()).sessionsCreated).toBe(0);
  });

  it('hang never answers; the client times out', async () => {
    await addFault({ path: SESSIONS, mode: 'hang' });
    await expect(rawCreate(AbortSignal.timeout(200))).rejects.toThrow(/timeout|aborted/i);
    const requests = (await stats()).requests;
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: SESSIONS, status: null, fault: 'hang' });
  });

  it('a hung request is released by close()', async () => {
    const other = await startHarness();
    await other.admin('POST', '/_emulator/faults', { path: '*', mode: 'hang' });
    const pending = fetch(`${other.url}/api/v3/products`, { headers: { authorization: 'Bearer loops_test_key_1' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    await expect(pending).rejects.toThrow();
  });

  it('times applies the fault N times, then removes it', async () => {
    const fault = await addFault({ path: SESSIONS, mode: 'error', status: 500, times: 2 });
    expect((await h.admin('GET', '/_emulator/faults')).body.faults).toEqual([expect.objectContaining({ id: fault.id, times: 2, hits: 0 })]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.api('POST', SESSIONS, { productId: USD_PRODUCT.id })).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect((await h.admin('GET', '/_emulator/faults')).body.faults).toEqual([]);
  });

  it("phase 'after' creates the session, then fails the response; an idempotent retry recovers it", async () => {
    await addFault({ method: 'POST', path: SESSIONS, mode: 'error', status: 502, phase: 'after', times: 1 });
    const failed = await h.api('POST', SESSIONS, { productId: USD_PRODUCT.id }, { 'idempotency-key': 'after-1' });
    expectError(failed, 502, 'emulator_fault');
    expect((await stats()).sessionsCreated).toBe(1);
    const retry = await h.api('POST', SESSIONS, { productId: USD_PRODUCT.id }, { 'idempotency-key': 'after-1' });
    expect(retry.status).toBe(200);
    const list = await h.api('GET', SESSIONS);
    expect(list.body.data.map((s: any) => s.id)).toEqual([retry.body.id]);
    expect((await stats()).sessionsCreated).toBe(1);
  });

  it("phase 'after' with drop or hang still creates the session (Loops timed out after creating it)", async () => {
    await addFault({ method: 'POST', path: SESSIONS, mode: 'drop', phase: 'after', times: 1 });
    await expect(rawCreate()).rejects.toThrow(/fetch failed/);
    await addFault({ method: 'POST', path: SESSIONS, mode: 'hang', phase: 'after', times: 1 });
    await expect(rawCreate(AbortSignal.timeout(200))).rejects.toThrow(/timeout|aborted/i);
    expect((await stats()).sessionsCreated).toBe(2);
    expect((await h.api('GET', SESSIONS)).body.data).toHaveLength(2);
  });

  it("phase 'during' latency carries the request out late, even after the client gave up (a slow Loops)", async () => {
    await addFault({ method: 'POST', path: SESSIONS, mode: 'latency', latencyMs: 400, phase: 'during', times: 1 });
    await expect(rawCreate(AbortSignal.timeout(100))).rejects.toThrow(/timeout|aborted/i);
    expect((await stats()).sessionsCreated).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await stats()).sessionsCreated).toBe(1);
    expect((await h.api('GET', SESSIONS)).body.data).toHaveLength(1);
  });

  it("phase 'after' latency delays a processed answer", async () => {
    await addFault({ method: 'POST', path: SESSIONS, mode: 'latency', latencyMs: 200, phase: 'after' });
    const started = performance.now();
    expect((await h.api('POST', SESSIONS, { productId: USD_PRODUCT.id })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('probability 0 never fires', async () => {
    await addFault({ path: '*', mode: 'error', status: 500, probability: 0 });
    for (let i = 0; i < 20; i++) expect((await h.api('GET', '/api/v3/products')).status).toBe(200);
    expect((await h.admin('GET', '/_emulator/faults')).body.faults[0].hits).toBe(0);
  });

  it('filters by method, never touches admin routes, and can be listed and deleted', async () => {
    const fault = await addFault({ method: 'GET', path: '*', mode: 'error', status: 500 });
    expect((await h.api('GET', '/api/v3/products')).status).toBe(500);
    expect((await h.api('POST', '/api/v3/products', { name: 'x', priceAmount: 1 })).status).toBe(200);
    expect((await h.admin('GET', '/_emulator/faults')).status).toBe(200);
    expect((await h.admin('DELETE', `/_emulator/faults/${fault.id}`)).status).toBe(200);
    expectError(await h.admin('DELETE', `/_emulator/faults/${fault.id}`), 404, 'fault_not_found');
    await addFault({ path: '*', mode: 'drop' });
    await addFault({ path: '*', mode: 'hang' });
    expect((await h.admin('DELETE', '/_emulator/faults')).status).toBe(200);
    expect((await h.admin('GET', '/_emulator/faults')).body.faults).toEqual([]);
    expect((await h.api('GET', '/api/v3/products')).status).toBe(200);
  });

  it('rejects invalid fault rules', async () => {
    for (const body of [{ path: '/x', mode: 'boom' }, { path: 'no-slash', mode: 'drop' }, { path: '/x', mode: 'latency' }, { path: '/x', mode: 'error', probability: 2 }]) {
      expectError(await h.admin('POST', '/_emulator/faults', body), 400, 'validation_error');
    }
  });
});
