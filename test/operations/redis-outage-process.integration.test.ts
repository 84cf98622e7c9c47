import type { GatewayProcess } from '../helpers/gateway-process';
import { DRILL_KEY, startDrill, waitUntil, type Drill } from '../helpers/drill-stack';
import { startRedisServer, type RedisProcess } from '../helpers/redis-server';
import { startSlowEndpoint } from '../helpers/slow-endpoint';

/**
 * The gateway process while its Redis is away (private redis-server, loopback only, bounded):
 * everything it writes stays a JSON log line (no raw stack traces from BullMQ or ioredis), each
 * connection error is logged once rather than several times a second, and SIGTERM still ends it
 * in moments with exit 0 instead of hanging until the 45 s deadline, losing no delivery.
 */
describe('gateway process while Redis is away', () => {
  let redis: RedisProcess;
  let drill: Drill;

  beforeAll(async () => {
    redis = await startRedisServer();
    drill = await startDrill({ redisUrl: redis.url, env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => {
    await drill.close();
    await redis.stop();
  });

  /** Every line the process writes from now on, per stream. */
  function capture(gateway: GatewayProcess) {
    const streams = { stdout: '', stderr: '' };
    gateway.child.stdout?.on('data', (chunk: Buffer) => (streams.stdout += chunk.toString()));
    gateway.child.stderr?.on('data', (chunk: Buffer) => (streams.stderr += chunk.toString()));
    const lines = () =>
      [
        ...streams.stdout.split('\n').map((text) => ({ stream: 'stdout', text })),
        ...streams.stderr.split('\n').map((text) => ({ stream: 'stderr', text })),
      ].filter((line) => line.text.trim() !== '');
    return {
      lines,
      /** Lines that are not a pino JSON object with a numeric level. */
      notJson: () =>
        lines().filter((line) => {
          try {
            return typeof (JSON.parse(line.text) as { level?: unknown }).level !== 'number';
          } catch {
            return true;
          }
        }),
      parsed: () => lines().map((line) => JSON.parse(line.text) as { level: number; msg?: string; err?: string; connection?: string }),
    };
  }

  /** SIGTERM, and how the process ended; SIGKILLed (and null) if it takes longer than `limitMs`. */
  async function terminate(gateway: GatewayProcess, limitMs: number): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limitMs);
    });
    const ended = await Promise.race([gateway.kill('SIGTERM'), timedOut]);
    clearTimeout(timer);
    if (ended === 'timeout') {
      await gateway.kill('SIGKILL');
      return { code: null, ms: Date.now() - started };
    }
    return { code: ended, ms: Date.now() - started };
  }

  const readyStatus = (gateway: GatewayProcess) =>
    fetch(`${gateway.url}/readyz`)
      .then((response) => response.status)
      .catch(() => 0);

  it('writes only JSON lines through an outage, each connection error once, and recovers', async () => {
    const gateway = await drill.startGateway();
    const log = capture(gateway);

    // Three seconds away: ioredis and BullMQ retry several times a second meanwhile.
    const restarted = redis.restart(3000);
    await waitUntil('not ready', async () => (await readyStatus(gateway)) === 503, 5_000);
    // A request during the outage: answered as a retryable error, logged as JSON like the rest.
    const during = await fetch(`${gateway.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DRILL_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1',
    });
    expect(during.status).toBeGreaterThanOrEqual(500);
    await restarted;
    await waitUntil('ready again', async () => (await readyStatus(gateway)) === 200, 15_000);

    const { code } = await terminate(gateway, 15_000);
    expect(code).toBe(0);
    expect(log.lines().length).toBeGreaterThan(3);
    expect(log.notJson()).toEqual([]);
    const parsed = log.parsed();
    // The outage was seen, through the logger, by each of the connections.
    const connectionErrors = parsed.filter((line) =>
      ['redis connection error', 'delivery worker error', 'delivery queue error'].includes(line.msg ?? ''),
    );
    expect(connectionErrors.some((line) => line.msg === 'redis connection error')).toBe(true);
    // Each (message, connection, error) at most once for the whole outage: without that it is
    // twice a second.
    const counts = new Map<string, number>();
    for (const line of connectionErrors) {
      const key = `${line.msg} (${line.connection ?? '-'}): ${line.err}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts].filter(([, count]) => count > 1)).toEqual([]);
    expect(parsed.some((line) => line.msg === 'redis connection restored')).toBe(true);
  }, 60_000);

  it('exits 0 within a few seconds on SIGTERM while Redis is down', async () => {
    const gateway = await drill.startGateway();
    const log = capture(gateway);
    await redis.stop();
    await waitUntil('not ready', async () => (await readyStatus(gateway)) === 503, 5_000);
    // Let the worker's fetch loop and the connections run into the outage first.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const { code, ms } = await terminate(gateway, 15_000);
    expect(code).toBe(0);
    // About 2 s (the worker's bounded close; no QUIT is sent to a Redis that is not there): well
    // under Docker's default 10 s before SIGKILL, where it used to take the full 45 s deadline.
    expect(ms).toBeLessThan(6_000);
    expect(log.notJson()).toEqual([]);
    const messages = log.parsed().map((line) => line.msg);
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('shutdown deadline passed; exiting with work unfinished (queued deliveries stay queued)');
  }, 60_000);

  it('a delivery in flight at SIGTERM during an outage: exits 0, and the next instance sends it again once Redis is back', async () => {
    const endpoint = await startSlowEndpoint(2000);
    // Append-only, so the queue survives the restart as it would in production.
    const durable = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']);
    const local = await startDrill({ redisUrl: durable.url, env: { WEBHOOK_ENDPOINTS: endpoint.url } });
    try {
      const first = await local.startGateway();
      const form = { authorization: `Bearer ${DRILL_KEY}`, 'content-type': 'application/x-www-form-urlencoded' };
      const created = await fetch(`${first.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: form,
        body: 'mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1',
      });
      const session = (await created.json()) as { id: string };
      expect((await fetch(`${first.url}/v1/checkout/sessions/${session.id}/expire`, { method: 'POST', headers: form })).status).toBe(200);
      await waitUntil('the delivery attempt', async () => endpoint.deliveries.length === 1, 10_000);

      // Redis goes away while the endpoint is still answering, and stays away past the shutdown.
      const restarted = durable.restart(8000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { code, ms } = await terminate(first, 15_000);
      expect(code).toBe(0);
      // The attempt ends (2 s), its result cannot be recorded, and the worker's close gives up after 2 s more.
      expect(ms).toBeLessThan(8_000);
      await restarted;

      // The job stayed active with nobody holding its lock: once the lock expires, BullMQ's
      // stalled-job check on the new instance puts it back in line and it is sent again.
      await local.startGateway();
      await waitUntil('the delivery sent again', async () => endpoint.deliveries.length >= 2, 30_000);
      const [attempt] = endpoint.deliveries;
      expect(endpoint.deliveries.map((delivery) => delivery.eventId)).toEqual([attempt?.eventId, attempt?.eventId]);
    } finally {
      await local.close();
      await durable.stop();
      await endpoint.close();
    }
  }, 90_000);
});
