import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { writeMappingFile } from '../../src/mappings/mapping-files';
import { startGatewayProcess } from '../helpers/gateway-process';
import { createLoopsCatalog } from '../helpers/loops-catalog';
import { emulatorAdmin, TEST_KEYS } from '../helpers/stack';

const KEY = 'sk_test_graceful_shutdown_0001';

/** SIGTERM: the request in flight still gets its answer, and the process exits cleanly. */
describe('graceful shutdown', () => {
  let emulator: RunningEmulator;
  let dir: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent' });
    dir = mkdtempSync(join(tmpdir(), 'gw-shutdown-'));
    await writeMappingFile(
      dir,
      'default',
      await createLoopsCatalog(emulator.url, TEST_KEYS.loops, [{ stripePriceId: 'price_mug', name: 'Mug', unitAmount: 1250, currency: 'usd' }]),
    );
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes a request in flight, answers it with Connection: close, refuses new connections, exits 0', async () => {
    const gateway = await startGatewayProcess({
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `shutdown-${randomBytes(4).toString('hex')}`,
      LOOPS_API_BASE: emulator.url,
      LOOPS_API_KEY: TEST_KEYS.loops,
      GATEWAY_API_KEYS: KEY,
      MAPPINGS_DIR: dir,
      LOG_LEVEL: 'info',
    });
    // Loops takes 1.5 s to answer the create that will be in flight when SIGTERM arrives.
    await emulatorAdmin(emulator.url).admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'latency',
      latencyMs: 1500,
      times: 1,
    });
    const inFlight = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const body = 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1';
      const req = httpRequest(
        `${gateway.url}/v1/checkout/sessions`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const exited = gateway.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ object: 'checkout.session', status: 'open' });
    expect(await exited).toBe(0);
    expect(gateway.output()).toContain('draining');
    expect(gateway.output()).toContain('"msg":"stopped"');
  }, 30_000);
});
