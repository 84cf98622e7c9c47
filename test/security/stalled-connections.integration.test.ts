import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { closesWithin, holdSocket, requestHead, type HeldSocket } from '../helpers/held-socket';
import { TEST_KEYS } from '../helpers/stack';

const KEY = 'sk_test_stalled_connections_0001';
const AUTH = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
/** Short deadlines so the suite runs in seconds; production defaults are 10 s each. */
const HEADERS_TIMEOUT_MS = 1000;
const BODY_TIMEOUT_MS = 1000;
/**
 * Generous bounds on answers that used to never come: the deadline, Node's check interval and a
 * loaded machine. Before the fix these connections stayed open for Node's default 300 s.
 */
const BODY_BOUND_MS = BODY_TIMEOUT_MS + 3000;
const REQUEST_BOUND_MS = HEADERS_TIMEOUT_MS + BODY_TIMEOUT_MS + 4000;

/**
 * Clients that stall, drip bytes or send less than their Content-Length, and bodies over the
 * limit: each gets an answer and a closed connection within a bound, on the real gateway process
 * (src/main.ts, its server and deadlines), while /healthz keeps answering.
 */
describe('stalled and oversized requests are cut off', () => {
  let gateway: GatewayProcess;
  let dir: string;
  const held: HeldSocket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-stalled-'));
    gateway = await startGatewayProcess({
      REDIS_URL: process.env.REDIS_URL ?? '',
      REDIS_KEY_PREFIX: `stalled-${randomBytes(4).toString('hex')}`,
      // Never called: no request here gets as far as Loops.
      LOOPS_API_BASE: 'http://127.0.0.1:9',
      LOOPS_API_KEY: TEST_KEYS.loops,
      LOOPS_WEBHOOK_SECRET: TEST_KEYS.loopsWebhook,
      GATEWAY_API_KEYS: KEY,
      MAPPINGS_DIR: dir,
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
    });
  }, 30_000);
  afterEach(() => {
    for (const socket of held.splice(0)) socket.destroy();
  });
  afterAll(async () => {
    await gateway.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const hold = async (initial: string) => {
    const socket = await holdSocket(gateway.port, initial);
    held.push(socket);
    return socket;
  };

  /** The answer's head and its Stripe error envelope. */
  function answerOf(socket: HeldSocket) {
    const text = socket.received();
    const split = text.indexOf('\r\n\r\n');
    const head = text.slice(0, split).toLowerCase();
    return { status: socket.status(), head, error: (JSON.parse(text.slice(split + 4)) as { error: { type: string; message: string } }).error };
  }

  const healthz = async () => {
    const started = Date.now();
    const response = await fetch(`${gateway.url}/healthz`);
    return { status: response.status, ms: Date.now() - started };
  };

  it.each([
    ['a Loops webhook', '/webhooks/loops/default', JSON_TYPE],
    ['a checkout session create', '/v1/checkout/sessions', AUTH],
  ])('%s whose body drips in a byte at a time: 408, Connection: close, socket closed', async (_name, path, headers) => {
    const socket = await hold(requestHead('POST', path, 10_000, headers));
    socket.drip(50);
    await closesWithin(socket, BODY_BOUND_MS);
    const answer = answerOf(socket);
    expect(answer.status).toBe(408);
    expect(answer.head).toContain('connection: close');
    // Nothing was done, so the SDK may retry it (stripe-node retries only when told to for a 408).
    expect(answer.head).toContain('stripe-should-retry: true');
    expect(answer.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/^Request timed out/) });
    expect(await healthz()).toMatchObject({ status: 200 });
  });

  it.each([
    ['a Loops webhook', '/webhooks/loops/default', JSON_TYPE],
    ['a checkout session create', '/v1/checkout/sessions', AUTH],
  ])('%s with a body shorter than its Content-Length: 408 and closed, no hang', async (_name, path, headers) => {
    const socket = await hold(`${requestHead('POST', path, 100, headers)}mode=payment`);
    await closesWithin(socket, BODY_BOUND_MS);
    expect(answerOf(socket)).toMatchObject({ status: 408, head: expect.stringContaining('connection: close') });
  });

  it.each([
    ['a Loops webhook', '/webhooks/loops/default', JSON_TYPE],
    ['a checkout session create', '/v1/checkout/sessions', AUTH],
  ])('%s over the size limit: 413, then the connection is closed rather than read to its end', async (_name, path, headers) => {
    // 2 MB declared, a few bytes sent: the rest would take the client as long as it likes.
    const socket = await hold(`${requestHead('POST', path, 2_000_000, headers)}${'a'.repeat(1000)}`);
    await closesWithin(socket, 2000);
    const answer = answerOf(socket);
    expect(answer.status).toBe(413);
    expect(answer.head).toContain('connection: close');
    expect(answer.error.message).toMatch(/too large/);
  });

  it('a chunked body that passes the limit while streaming: 413 and closed', async () => {
    const head = `POST /v1/checkout/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = 'a'.repeat(64 * 1024);
    const socket = await hold(`${head}${`${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(17)}`);
    await closesWithin(socket, 2000);
    expect(answerOf(socket)).toMatchObject({ status: 413, head: expect.stringContaining('connection: close') });
  });

  it('request headers that never end: 408 in the Stripe envelope, closed', async () => {
    const socket = await hold(`POST /v1/checkout/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\n`);
    socket.drip(100);
    await closesWithin(socket, HEADERS_TIMEOUT_MS + 3000);
    expect(answerOf(socket)).toMatchObject({ status: 408, error: { type: 'invalid_request_error' } });
  });

  it('a body the gateway never reads (no API key) that keeps dripping: answered 401 and closed, not read to its end', async () => {
    const socket = await hold(requestHead('POST', '/v1/checkout/sessions', 10_000, { 'Content-Type': 'application/x-www-form-urlencoded' }));
    socket.drip(50);
    await closesWithin(socket, 2000);
    expect(answerOf(socket)).toMatchObject({ status: 401, head: expect.stringContaining('connection: close') });
    // One answer only: no deadline writes a second status line into the connection.
    expect(socket.received().match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it('/healthz answers at once while stalled clients hold connections', async () => {
    const stalled = await Promise.all([
      hold(requestHead('POST', '/webhooks/loops/default', 5000, JSON_TYPE)),
      hold(requestHead('POST', '/v1/checkout/sessions', 5000, AUTH)),
      hold('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
    ]);
    for (let i = 0; i < 5; i++) {
      const probe = await healthz();
      expect(probe.status).toBe(200);
      expect(probe.ms).toBeLessThan(1000);
    }
    await Promise.all(stalled.map((socket) => closesWithin(socket, REQUEST_BOUND_MS)));
  });
});
