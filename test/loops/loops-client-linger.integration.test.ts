import { Agent } from 'undici';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { createLoopsClient, type LoopsClient } from '../../src/loops/loops-client';
import { isLoopsError, type LoopsError } from '../../src/loops/loops-error';
import type { LoopsV3Session } from '../../src/loops/loops-schemas';
import { createLogger } from '../../src/observability/logger';
import { freePort } from '../helpers/redis-server';
import { emulatorAdmin, TEST_KEYS, type EmulatorAdmin } from '../helpers/stack';

/**
 * A create Loops answers late (loops-client.ts `CreateOptions`): the caller is answered at the
 * timeout with what it needs to know — whether the request was sent, and, when it lingers, its
 * late answer — against the real emulator.
 */
describe('Loops client: creates that outlast the timeout', () => {
  const TIMEOUT_MS = 300;
  let emulator: RunningEmulator;
  let loops: EmulatorAdmin;
  let dispatcher: Agent;
  let client: LoopsClient;
  const body = { mode: 'payment' as const, productId: 'prod_linger', quantity: 1 };

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent' });
    loops = emulatorAdmin(emulator.url);
    await loops.admin('POST', '/_emulator/products', { id: 'prod_linger', name: 'Linger', priceAmount: 500, priceCurrency: 'usd' });
    dispatcher = new Agent();
    client = clientFor(emulator.url);
  });
  afterAll(async () => {
    await dispatcher.close();
    await emulator.close();
  });
  afterEach(() => loops.admin('DELETE', '/_emulator/faults'));

  const clientFor = (apiBase: string) =>
    createLoopsClient({ apiBase, apiKey: TEST_KEYS.loops, timeoutMs: TIMEOUT_MS, dispatcher, logger: createLogger('silent') });
  const fault = (spec: Record<string, unknown>) =>
    loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions', times: 1, ...spec });
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => {
        if (!isLoopsError(error)) throw error;
        return error;
      },
    );
  const sessionsCreated = async () => (await loops.admin('GET', '/_emulator/stats')).json.sessionsCreated as number;

  it('answers at the timeout, and the same request, still open, brings Loops’ late answer', async () => {
    await fault({ mode: 'latency', latencyMs: 800, phase: 'during' });
    const started = Date.now();
    const error = await failureOf(client.createSessionV3(body, 'linger-late', { lingerMs: 3000 }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(800);
    expect(error.failure).toEqual({ kind: 'timeout' });
    // Measured from when the request reached a connection, within this attempt: never longer than
    // the call took (a fixed bound over the timeout failed when a busy CI machine fired the timer late).
    // The request left at the start and the timeout came TIMEOUT_MS later: most of that has passed.
    expect(error.unresolved?.sentMsAgo).toBeGreaterThanOrEqual(TIMEOUT_MS / 2);
    expect(error.unresolved?.sentMsAgo).toBeLessThanOrEqual(elapsed + 1);
    const late = (await error.unresolved?.lateAnswer) as LoopsV3Session;
    expect(late.id).toMatch(/^cs_/);
    expect(await sessionsCreated()).toBeGreaterThanOrEqual(1);
  });

  it('with no answer at all, the late answer fails when the linger ends, counted from sending', async () => {
    await fault({ mode: 'hang' });
    const started = Date.now();
    const error = await failureOf(client.createSessionV3(body, 'linger-never', { lingerMs: 1000 }));
    const late = await failureOf(error.unresolved?.lateAnswer ?? Promise.resolve());
    expect(late.failure).toEqual({ kind: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('stops lingering when told to (shutdown)', async () => {
    await fault({ mode: 'hang' });
    const shutdown = new AbortController();
    const error = await failureOf(client.createSessionV3(body, 'linger-abandoned', { lingerMs: 60_000, signal: shutdown.signal }));
    const started = Date.now();
    shutdown.abort();
    await failureOf(error.unresolved?.lateAnswer ?? Promise.resolve());
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('without a linger the request is cut off at the timeout, and still reported as possibly carried out', async () => {
    await fault({ mode: 'hang' });
    const error = await failureOf(client.createSessionV3(body, 'no-linger'));
    expect(error.unresolved).toEqual({ sentMsAgo: expect.any(Number) });
  });

  it('a connection lost after sending leaves the outcome unknown; one never made does not', async () => {
    await fault({ mode: 'drop', phase: 'after' });
    const dropped: LoopsError = await failureOf(client.createSessionV3(body, 'dropped', { lingerMs: 3000 }));
    expect(dropped.failure.kind).toBe('network');
    expect(dropped.unresolved).toEqual({ sentMsAgo: expect.any(Number) });

    const nobody = clientFor(`http://127.0.0.1:${await freePort()}`);
    const refused = await failureOf(nobody.createSessionV3(body, 'refused', { lingerMs: 3000 }));
    expect(refused.failure).toEqual({ kind: 'network', code: 'ECONNREFUSED' });
    expect(refused.unresolved).toBeUndefined();
  });

  it('an answer within the timeout is just the answer', async () => {
    const session = await client.createSessionV3(body, 'prompt', { lingerMs: 3000 });
    expect(session.id).toMatch(/^cs_/);
  });
});
