import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayProcess } from '../helpers/gateway-process';
import { closesWithin, holdSocket, requestHead } from '../helpers/held-socket';
import { TEST_KEYS } from '../helpers/stack';

const KEY = 'sk_test_shutdown_stalled_0001';
/** Kubernetes' default terminationGracePeriodSeconds: SIGKILL comes after this. */
const KUBERNETES_GRACE_MS = 30_000;

/**
 * SIGTERM with clients stalled mid-request: they used to hold server.close() until the 45 s
 * deadline (exit 1, and Kubernetes' SIGKILL at 30 s before that). Now idle keep-alive connections
 * close at once, stalled ones at their header/body deadline (production defaults here, 10 s), and
 * the process exits 0 well inside 30 s.
 */
describe('shutdown with stalled connections open', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-shutdown-stalled-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('closes the idle connection at once, answers the stalled ones 408, exits 0 well inside 30 s', async () => {
    const gateway = await startGatewayProcess({
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `shutdown-stalled-${randomBytes(4).toString('hex')}`,
      LOOPS_API_BASE: 'http://127.0.0.1:9',
      LOOPS_API_KEY: TEST_KEYS.loops,
      LOOPS_WEBHOOK_SECRET: TEST_KEYS.loopsWebhook,
      GATEWAY_API_KEYS: KEY,
      MAPPINGS_DIR: dir,
      LOG_LEVEL: 'info',
    });
    try {
      const stalled = await Promise.all([
        // Headers that never end.
        holdSocket(gateway.port, `POST /v1/checkout/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\n`),
        // Bodies that never arrive: a Loops webhook and a Stripe API call.
        holdSocket(gateway.port, `${requestHead('POST', '/webhooks/loops/default', 500, { 'Content-Type': 'application/json' })}{"id":`),
        holdSocket(
          gateway.port,
          `${requestHead('POST', '/v1/checkout/sessions', 500, { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' })}mode=`,
        ),
      ]);
      // A keep-alive connection whose request is answered: idle when SIGTERM comes.
      const idle = await holdSocket(gateway.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      while (idle.status() === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(idle.status()).toBe(200);

      const sigtermAt = Date.now();
      const exited = gateway.kill('SIGTERM');
      const idleClosedAt = await closesWithin(idle, 1000);
      expect(idleClosedAt).toBeGreaterThan(0);

      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => {
          timer = setTimeout(() => resolve('still running'), KUBERNETES_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      const tookMs = Date.now() - sigtermAt;
      expect({ code, output: code === 0 ? '' : gateway.output() }).toEqual({ code: 0, output: '' });
      // The 10 s deadlines plus closing Redis and the queue (about 10 s in all); the old 45 s
      // deadline is far off.
      expect(tookMs).toBeLessThan(16_000);
      for (const socket of stalled) {
        expect(socket.isClosed()).toBe(true);
        expect(socket.status()).toBe(408);
      }
      expect(gateway.output()).toContain('"msg":"stopped"');
      expect(gateway.output()).not.toContain('shutdown deadline passed');
    } finally {
      await gateway.kill('SIGKILL');
    }
  }, 60_000);
});
