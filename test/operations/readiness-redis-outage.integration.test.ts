import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { startRedisServer, type RedisProcess } from '../helpers/redis-server';
import { TEST_KEYS } from '../helpers/stack';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { waitFor } from '../helpers/wait-for';

/** Load balancers and Kubernetes probe with a timeout of about a second; the answer must come well before. */
const READY_ANSWER_BOUND_MS = 500;

/**
 * `/readyz` while Redis is away (killed) or hung (connected, answering nothing): 503 within
 * 500 ms every time. It used to wait on ioredis' next reconnect attempt (up to 2 s apart), or on a
 * PING that never came back, and each probe queued one more PING.
 */
describe('/readyz during a Redis outage', () => {
  let dir: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-readiness-'));
  });
  afterEach(async () => {
    await gateway?.kill('SIGKILL');
    gateway = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (redisUrl: string) => {
    gateway = await startGatewayProcess({
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `readiness-${randomBytes(4).toString('hex')}`,
      LOOPS_API_BASE: 'http://127.0.0.1:9',
      LOOPS_API_KEY: TEST_KEYS.loops,
      GATEWAY_API_KEYS: 'sk_test_readiness_probe_0001',
      MAPPINGS_DIR: dir,
    });
    return gateway;
  };

  const probe = async (gw: GatewayProcess) => {
    const started = Date.now();
    // A probe that hangs (as it did on a hung Redis) is given up on, as a load balancer would.
    const status = await fetch(`${gw.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.status,
      () => 0,
    );
    return { status, ms: Date.now() - started };
  };

  /** Probes every 200 ms for `forMs`, as a load balancer would. */
  const probeFor = async (gw: GatewayProcess, forMs: number) => {
    const answers: { status: number; ms: number }[] = [];
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      answers.push(await probe(gw));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return answers;
  };

  it('Redis killed: every probe is a 503 within 500 ms, and the gateway is ready again once Redis is back', async () => {
    const redis: RedisProcess = await startRedisServer();
    let restarted: Promise<void> | undefined;
    try {
      const gw = await start(redis.url);
      // Down for 6 s: long enough for ioredis' reconnect attempts to be 2 s apart.
      restarted = redis.restart(6000);
      await waitFor(async () => (await probe(gw)).status === 503, 3000, 'not ready');
      const answers = await probeFor(gw, 4000);
      expect(answers.filter((answer) => answer.status !== 503 || answer.ms >= READY_ANSWER_BOUND_MS)).toEqual([]);
      expect(answers.length).toBeGreaterThan(5);
      await restarted;
      await waitFor(async () => (await probe(gw)).status === 200, 10_000, 'ready again');
    } finally {
      await restarted?.catch(() => undefined);
      await redis.stop();
    }
  }, 60_000);

  it('Redis hung: every probe is a 503 within 500 ms, and the probes do not pile PINGs up on the connection', async () => {
    const redis = await startRedisServer();
    const proxy: TcpProxy = await startTcpProxy(redis.port);
    try {
      const gw = await start(proxy.url);
      const pings = () => (proxy.sentToTarget().match(/\r\nping\r\n/gi) ?? []).length;
      proxy.pause();
      const before = pings();
      const answers = await probeFor(gw, 3000);
      expect(answers.filter((answer) => answer.status !== 503 || answer.ms >= READY_ANSWER_BOUND_MS)).toEqual([]);
      expect(answers.length).toBeGreaterThan(5);
      // One PING waits for the hung Redis; later probes share it instead of adding their own.
      expect(pings() - before).toBe(1);
      proxy.resume();
      await waitFor(async () => (await probe(gw)).status === 200, 10_000, 'ready again');
    } finally {
      await proxy.close();
      await redis.stop();
    }
  }, 60_000);
});
