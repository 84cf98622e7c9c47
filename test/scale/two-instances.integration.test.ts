import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { writeMappingFile } from '../../src/mappings/mapping-files';
import { QUEUE_NAME } from '../../src/webhooks/bullmq-delivery-queue';
import { startAttributingReceiver, type AttributingReceiver } from '../helpers/attributing-receiver';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { loopsDeliveries, type LoopsDelivery } from '../helpers/drill-stack';
import { createLoopsCatalog } from '../helpers/loops-catalog';
import { emulatorAdmin, TEST_KEYS, type EmulatorAdmin } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

const GATEWAY_KEY = 'sk_test_scale_out_two_instances_fake';
const PAID_SESSIONS = 40;

interface LoopsRequest {
  method: string;
  path: string;
  at: string;
}

/**
 * Two gateway processes (src/main.ts) on one Redis, one Loops emulator and one merchant endpoint:
 * nothing correct may depend on which instance gets a request or a webhook (README.md "Deploying", "Several instances").
 */
describe('two gateway instances on one Redis', () => {
  let emulator: RunningEmulator;
  let loops: EmulatorAdmin;
  let receiver: AttributingReceiver;
  let mappingsDir: string;
  let redis: Redis;
  let queue: Queue;
  const gateways: GatewayProcess[] = [];
  let a: GatewayProcess;
  let b: GatewayProcess;
  const client = (gateway: GatewayProcess, maxNetworkRetries = 0) =>
    new Stripe(GATEWAY_KEY, { host: '127.0.0.1', port: gateway.port, protocol: 'http', telemetry: false, maxNetworkRetries });

  beforeAll(async () => {
    receiver = await startAttributingReceiver(TEST_KEYS.stripeWebhook, () => gateways.map((g) => g.child.pid ?? -1));
    emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent', webhookRetryDelaysMs: [200, 400, 800] });
    loops = emulatorAdmin(emulator.url);
    mappingsDir = mkdtempSync(join(tmpdir(), 'gw-scale-'));
    const catalog = await createLoopsCatalog(emulator.url, TEST_KEYS.loops, [
      { stripePriceId: 'price_mug', name: 'Mug', unitAmount: 1250, currency: 'usd' },
      { stripePriceId: 'price_tshirt', name: 'T-shirt', unitAmount: 2000, currency: 'usd' },
    ]);
    await writeMappingFile(mappingsDir, 'default', catalog);
    const prefix = `scale-${randomBytes(4).toString('hex')}`;
    const env = {
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: prefix,
      LOOPS_API_BASE: emulator.url,
      LOOPS_API_KEY: TEST_KEYS.loops,
      GATEWAY_API_KEYS: GATEWAY_KEY,
      MAPPINGS_DIR: mappingsDir,
      LOOPS_WEBHOOK_SECRET: TEST_KEYS.loopsWebhook,
      STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook,
      WEBHOOK_ENDPOINTS: receiver.url,
      WEBHOOK_RETRY_SCHEDULE: '200ms,400ms,800ms',
      // Bursts from one key on purpose; the per-key rate limit has its own test.
      RATE_LIMIT_PER_SECOND: '0',
    };
    if (!env.REDIS_URL) throw new Error('REDIS_URL is not set: run the tests through jest (test/helpers/global-setup.ts)');
    const started = await Promise.allSettled([startGatewayProcess(env), startGatewayProcess(env)]);
    for (const result of started) if (result.status === 'fulfilled') gateways.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [a, b] = gateways as [GatewayProcess, GatewayProcess];
    redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    // A read-only view of the instances' shared delivery queue (same prefix as create-delivery-queue.ts).
    queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}:queue}` });
  }, 90_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => stopGateway(gateway)));
    await queue?.close().catch(() => undefined);
    await redis?.quit().catch(() => redis.disconnect());
    await emulator?.close();
    await receiver?.close();
    if (mappingsDir) rmSync(mappingsDir, { recursive: true, force: true });
  }, 60_000);

  const sessionsCreated = async (): Promise<number> => (await loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;
  /** Create-session calls that reached Loops since `sinceMs`: a gateway that replays makes none. */
  const loopsCreateCalls = async (sinceMs: number): Promise<number> =>
    (await loops.admin('GET', '/_emulator/stats')).json.requests.filter(
      (r: LoopsRequest) => r.method === 'POST' && r.path === '/api/v3/checkout/sessions' && Date.parse(r.at) >= sinceMs,
    ).length;
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: 'payment',
    line_items: [{ price: 'price_tshirt', quantity: 1 }],
    metadata: { order: 's1' },
  };
  const target = (gateway: GatewayProcess) => ({ url: `${gateway.url}/webhooks/loops`, secret: TEST_KEYS.loopsWebhook });
  const diagnostics = () => gateways.map((g, i) => `--- gateway ${i ? 'B' : 'A'} ---\n${g.output().slice(-4000)}`).join('\n');

  it('replays on instance B a create made with the same Idempotency-Key on instance A: same session, one in Loops', async () => {
    const [before, since] = [await sessionsCreated(), Date.now()];
    const first = await client(a).checkout.sessions.create(params, { idempotencyKey: 'scale-retry-1' });
    const retry = await client(b).checkout.sessions.create(params, { idempotencyKey: 'scale-retry-1' });
    expect(retry).toEqual(first);
    expect(retry.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(retry.lastResponse.headers['original-request']).toBe(first.lastResponse.requestId);
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await sessionsCreated()) - before).toBe(1);
    // B answered from the shared idempotency record; it did not ask Loops again.
    expect(await loopsCreateCalls(since)).toBe(1);
    // The key is bound to its parameters on every instance.
    await expect(
      client(a).checkout.sessions.create({ ...params, metadata: { order: 'other' } }, { idempotencyKey: 'scale-retry-1' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });

  it('converges concurrent duplicates split across both instances on one session (the SDK retries the 409s)', async () => {
    // Loops answers the first create slowly, so the other requests arrive while it is in flight.
    await loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions', mode: 'latency', latencyMs: 400, times: 1 });
    const [before, since] = [await sessionsCreated(), Date.now()];
    const clients = [client(a, 5), client(b, 5)];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => clients[i % 2]?.checkout.sessions.create(params, { idempotencyKey: 'scale-concurrent-1' })),
    );
    await loops.admin('DELETE', '/_emulator/faults');
    expect(results.every(Boolean)).toBe(true);
    expect(new Set(results.map((s) => s?.id)).size).toBe(1);
    expect((await sessionsCreated()) - before).toBe(1);
    // One instance took the shared key; every other request, on either instance, waited (409) and
    // replayed, so Loops saw a single create (its own idempotency would hide a second one).
    expect(await loopsCreateCalls(since)).toBe(1);
  });

  it('lists the same sessions in the same order on both instances, whichever instance created them', async () => {
    const ids: string[] = [];
    // Made on one instance, named on both: the directory is shared too.
    const customer = (await client(b).customers.create({ email: 'scale.list@example.com' })).id;
    for (let i = 0; i < 10; i++) {
      const session = await client(i % 2 ? b : a).checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_mug', quantity: 1 }],
        customer,
      });
      ids.unshift(session.id); // newest first, as Stripe lists
    }
    for (const gateway of [a, b]) {
      const stripe = client(gateway);
      const mine = await stripe.checkout.sessions.list({ customer, limit: 3 }).autoPagingToArray({ limit: 100 });
      expect(mine.map((s) => s.id)).toEqual(ids);
      const backwards = await stripe.checkout.sessions.list({ limit: 4, ending_before: ids[9] }).autoPagingToArray({ limit: 100 });
      expect(backwards.map((s) => s.id)).toEqual(ids.slice(0, 9).reverse());
    }
    const everythingOnA = await client(a).checkout.sessions.list({ limit: 4 }).autoPagingToArray({ limit: 1000 });
    const everythingOnB = await client(b).checkout.sessions.list({ limit: 7 }).autoPagingToArray({ limit: 1000 });
    expect(everythingOnA.map((s) => s.id)).toEqual(everythingOnB.map((s) => s.id));
    expect(everythingOnA.slice(0, 10).map((s) => s.id)).toEqual(ids);
    expect(everythingOnA.length).toBeGreaterThan(10);
  });

  it('retrieves, updates and expires on instance B a session created on instance A', async () => {
    const [onA, onB] = [client(a), client(b)];
    const created = await onA.checkout.sessions.create({ ...params, metadata: { keep: 'k', change: 'old' } });
    expect(await onB.checkout.sessions.retrieve(created.id)).toEqual(created);
    const updated = await onB.checkout.sessions.update(created.id, { metadata: { change: 'new' } });
    expect(updated.metadata).toEqual({ keep: 'k', change: 'new' });
    expect((await onA.checkout.sessions.retrieve(created.id)).metadata).toEqual({ keep: 'k', change: 'new' });
    expect(await onB.checkout.sessions.expire(created.id)).toMatchObject({ status: 'expired', url: null });
    expect((await onA.checkout.sessions.retrieve(created.id)).status).toBe('expired');
    await expect(onA.checkout.sessions.expire(created.id)).rejects.toMatchObject({ statusCode: 400 });
    expect((await loops.api('GET', `/api/v2/checkout/sessions/${created.id}`)).json.status).toBe('EXPIRED');
  });

  /** Pays `count` new sessions, pointing Loops' webhooks at `targetsFor(i)` for session i. */
  async function paySessions(count: number, targetsFor: (i: number) => GatewayProcess[], tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const session = await client(i % 2 ? b : a).checkout.sessions.create({ ...params, metadata: { batch: tag, n: String(i) } });
      ids.push(session.id);
      expect((await loops.admin('PUT', '/_emulator/webhooks', { targets: targetsFor(i).map(target) })).status).toBe(200);
      // The emulator sends the session's webhooks to the targets set now (retries stay with them).
      expect((await loops.admin('POST', `/_emulator/sessions/${session.id}/complete`)).status).toBe(200);
    }
    return ids;
  }

  /** Every Loops webhook answered 2xx by the gateways, and nothing waiting, delayed or active in BullMQ. */
  async function waitUntilQuiet(what: string): Promise<LoopsDelivery[]> {
    let log: LoopsDelivery[] = [];
    await waitFor(
      async () => {
        log = await loopsDeliveries(loops);
        const answered = new Set(log.filter((d) => d.status !== null && d.status < 300).map((d) => `${d.eventId} ${d.url}`));
        if (!log.every((d) => answered.has(`${d.eventId} ${d.url}`))) return false;
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      },
      30_000,
      `${what} (quiet queue and every Loops webhook accepted)`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${diagnostics()}`);
    });
    return log;
  }

  const completedFor = (ids: string[]) => {
    const wanted = new Set(ids);
    return receiver.deliveries.filter(
      (d) => d.event?.type === 'checkout.session.completed' && wanted.has((d.event.data.object as { id: string }).id),
    );
  };

  it(`delivers each of ${PAID_SESSIONS} checkout.session.completed exactly once, with both instances consuming`, async () => {
    const before = receiver.deliveries.length;
    // Sessions are created on A, B, A, B… and their Loops webhooks go to A, A, B, B…: every
    // combination of creating instance and webhook-receiving instance occurs.
    const receiverOf = (i: number) => (Math.floor(i / 2) % 2 ? b : a);
    const ids = await paySessions(PAID_SESSIONS, (i) => [receiverOf(i)], 'alternate');
    await waitFor(() => completedFor(ids).length >= PAID_SESSIONS, 60_000, `${PAID_SESSIONS} completed deliveries`).catch((error: Error) => {
      throw new Error(`${error.message}: got ${completedFor(ids).length}\n${diagnostics()}`);
    });
    const loopsLog = await waitUntilQuiet('all deliveries settled');

    const completed = completedFor(ids);
    expect(completed).toHaveLength(PAID_SESSIONS);
    expect(new Set(completed.map((d) => d.event?.id)).size).toBe(PAID_SESSIONS);
    expect(new Set(completed.map((d) => (d.event?.data.object as { id: string }).id))).toEqual(new Set(ids));
    const batch = receiver.deliveries.slice(before);
    expect(batch.every((d) => d.verified)).toBe(true);
    // No event of any type reached the merchant twice.
    expect(new Set(batch.map((d) => d.event?.id)).size).toBe(batch.length);
    // Loops' webhooks really reached both instances...
    for (const gateway of [a, b]) expect(loopsLog.some((d) => d.url === target(gateway).url && d.status === 200)).toBe(true);
    // ...and both instances' workers delivered to the merchant (sender found from the TCP socket's owner).
    const senders = batch.map((d) => d.senderPid);
    expect(senders.every((pid) => pid === a.child.pid || pid === b.child.pid)).toBe(true);
    expect(senders.filter((pid) => pid === a.child.pid).length).toBeGreaterThan(0);
    expect(senders.filter((pid) => pid === b.child.pid).length).toBeGreaterThan(0);
    // One shared queue: some events enqueued by the instance that took the Loops webhook were
    // delivered by the other instance's worker.
    const crossed = completed.filter((d) => {
      const i = ids.indexOf((d.event?.data.object as { id: string }).id);
      return d.senderPid !== receiverOf(i).child.pid;
    });
    expect(crossed.length).toBeGreaterThan(0);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
  }, 120_000);

  it('still delivers once when every Loops webhook reaches both instances at the same moment', async () => {
    const before = receiver.deliveries.length;
    const ids = await paySessions(10, () => [a, b], 'both');
    await waitFor(() => completedFor(ids).length >= ids.length, 60_000, 'completed deliveries').catch((error: Error) => {
      throw new Error(`${error.message}: got ${completedFor(ids).length}\n${diagnostics()}`);
    });
    await waitUntilQuiet('both-target deliveries settled');
    const completed = completedFor(ids);
    expect(completed).toHaveLength(ids.length);
    expect(new Set(completed.map((d) => (d.event?.data.object as { id: string }).id))).toEqual(new Set(ids));
    const batch = receiver.deliveries.slice(before);
    expect(new Set(batch.map((d) => d.event?.id)).size).toBe(batch.length);
    // The events API agrees on both instances: one completed event per session.
    for (const gateway of [a, b]) {
      const events = await client(gateway).events.list({ type: 'checkout.session.completed', limit: 100 }).autoPagingToArray({ limit: 1000 });
      const forBatch = events.filter((e) => ids.includes((e.data.object as { id: string }).id));
      expect(forBatch.map((e) => e.id).sort()).toEqual(completed.map((d) => d.event?.id).sort());
    }
  }, 120_000);
});

/** SIGTERM (graceful drain), SIGKILL if it has not exited within 15 s. */
async function stopGateway(gateway: GatewayProcess): Promise<void> {
  const timer = setTimeout(() => gateway.child.kill('SIGKILL'), 15_000);
  try {
    await gateway.kill('SIGTERM');
  } finally {
    clearTimeout(timer);
  }
}
