import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { writeMappingFile } from '../../src/mappings/mapping-files';
import { tenantKeys } from '../../src/store/keys';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { QUEUE_NAME } from '../../src/webhooks/bullmq-delivery-queue';
import { startGatewayProcess } from '../helpers/gateway-process';
import { createLoopsCatalog } from '../helpers/loops-catalog';
import { startSlowEndpoint } from '../helpers/slow-endpoint';
import { emulatorAdmin, TEST_KEYS } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

const KEY = 'sk_test_graceful_shutdown_0001';

/** A form POST that is still in flight when the caller sends SIGTERM; resolves with its answer. */
function postInFlight(url: string, body: string) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest(
      url,
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
}

/**
 * SIGTERM: the request in flight still gets its answer, the delivery attempt in flight finishes
 * and is recorded, no new attempt starts, and the process exits cleanly.
 */
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
    const inFlight = postInFlight(`${gateway.url}/v1/checkout/sessions`, 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1');
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

  it('finishes the delivery attempt in flight and records it, starts no new attempt after SIGTERM, exits 0', async () => {
    const endpoint = await startSlowEndpoint(2000);
    const prefix = `shutdown-${randomBytes(4).toString('hex')}`;
    const redis = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
    const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}:queue}` });
    try {
      const gateway = await startGatewayProcess({
        REDIS_URL: process.env.REDIS_URL ?? '',
        REDIS_KEY_PREFIX: prefix,
        LOOPS_API_BASE: emulator.url,
        LOOPS_API_KEY: TEST_KEYS.loops,
        GATEWAY_API_KEYS: KEY,
        MAPPINGS_DIR: dir,
        LOG_LEVEL: 'info',
        STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook,
        WEBHOOK_ENDPOINTS: endpoint.url,
        // One attempt at a time: the second event waits in line while the first is in flight.
        WEBHOOK_CONCURRENCY: '1',
      });
      const form = { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' };
      for (let i = 0; i < 2; i++) {
        const created = await fetch(`${gateway.url}/v1/checkout/sessions`, {
          method: 'POST',
          headers: form,
          body: 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1',
        });
        const session = (await created.json()) as { id: string };
        expect((await fetch(`${gateway.url}/v1/checkout/sessions/${session.id}/expire`, { method: 'POST', headers: form })).status).toBe(200);
      }
      await waitFor(() => endpoint.deliveries.length === 1, 10_000, 'the first delivery attempt');
      // A request Loops answers in 2.5 s keeps the HTTP drain going past the end of that attempt,
      // when a worker still taking jobs would start the second delivery.
      await emulatorAdmin(emulator.url).admin('POST', '/_emulator/faults', {
        method: 'POST',
        path: '/api/v3/checkout/sessions',
        mode: 'latency',
        latencyMs: 2500,
        times: 1,
      });
      const inFlight = postInFlight(`${gateway.url}/v1/checkout/sessions`, 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sigtermAt = Date.now();
      expect(await gateway.kill('SIGTERM')).toBe(0);
      expect((await inFlight).status).toBe(200);

      // The attempt in flight at SIGTERM finished after it; none started after it.
      const [first, ...others] = endpoint.deliveries;
      expect(first?.answeredAt).toBeGreaterThan(sigtermAt);
      expect(others).toEqual([]);
      // Recorded: the job is completed and the event no longer pending for the endpoint; the
      // other delivery is still queued, for the next instance to send.
      const counts = await queue.getJobCounts('completed', 'active', 'waiting', 'prioritized', 'failed', 'delayed');
      expect(counts).toMatchObject({ completed: 1, active: 0, failed: 0, delayed: 0 });
      expect((counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBe(1);
      const events = createRedisEventStore(redis, (tenantId) => tenantKeys(prefix, tenantId));
      expect(await events.get('default', first?.eventId ?? '')).toMatchObject({ pending_webhooks: 0 });
      expect(gateway.output()).not.toContain('webhook delivery failed');
      expect(gateway.output()).toContain('"msg":"stopped"');
    } finally {
      await queue.close();
      // This test's keys only (its prefix is random): the gateway's and the queue's.
      const keys = await redis.keys(`*${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await endpoint.close();
    }
  }, 30_000);
});
