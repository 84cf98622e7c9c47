import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import { createLogger } from '../../src/observability/logger';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { loopsWebhookSecretFor, startStack, TEST_KEYS, type Stack } from '../helpers/stack';

/**
 * Logs never contain a secret (README.md "Deploying", "Secrets"; docs/development.md "Habits"): every line the gateway writes at level
 * `trace` through a full exercise — creates, reads, mapping lookups, bad input, wrong keys, Loops
 * failing, Loops webhooks in, Stripe webhooks out, a merchant endpoint failing — is scanned for
 * every configured key and secret and every credential header value seen on the wire.
 */

const ACME = 'sk_test_acme_logscan_key_000000000001';
const ACME_LIVE = 'sk_live_acme_logscan_key_000000000002';
const GLOBEX = 'sk_test_globex_logscan_key_0000000003';
const ACME_WHSEC = 'whsec_test_acme_logscan_not_real_0004';
const ACME_WHSEC_OLD = 'whsec_test_acme_logscan_not_real_0005';
const GLOBEX_WHSEC = 'whsec_test_globex_logscan_not_real_06';
const WRONG_KEYS = ['sk_test_wrong_logscan_key_00000000007', `${ACME}x`, 'sk_live_wrong_logscan_key_00000000008'];

interface LogLine {
  level: number;
  msg?: string;
  requestId?: string;
  [field: string]: unknown;
}

describe('log scan: no secret in any log line', () => {
  const raw: string[] = [];
  let stack: Stack;
  let acmeReceiver: MerchantReceiver;
  let globexReceiver: MerchantReceiver;
  /** Credential header values sent or received while exercising the gateway. */
  const headerValues = new Set<string>();
  /** Request-Id of every response the exercise got from the gateway. */
  const requestIds = new Set<string>();
  /** Lines written while the stack started (mappings loaded and the like): no request is behind them. */
  let startupLines = 0;

  beforeAll(async () => {
    acmeReceiver = await startMerchantReceiver(ACME_WHSEC);
    globexReceiver = await startMerchantReceiver(GLOBEX_WHSEC);
    stack = await startStack({
      tenants: [
        { id: 'acme', apiKeys: [ACME, ACME_LIVE], webhookSecrets: [ACME_WHSEC, ACME_WHSEC_OLD], webhookEndpoints: [{ url: acmeReceiver.url }] },
        { id: 'globex', apiKeys: [GLOBEX], webhookSecrets: [GLOBEX_WHSEC], webhookEndpoints: [{ url: globexReceiver.url }] },
      ],
      env: { RATE_LIMIT_PER_SECOND: '0', LOOPS_TIMEOUT_MS: '500' },
      logger: createLogger('trace', { write: (line: string) => void raw.push(line) }),
    });
    startupLines = raw.length;
    await exercise();
  }, 60_000);
  afterAll(async () => {
    await stack.close();
    await acmeReceiver.close();
    await globexReceiver.close();
  });

  /** A request through fetch, its credential headers and Request-Id recorded. */
  async function call(method: string, path: string, headers: Record<string, string>, body?: string) {
    for (const name of ['authorization', 'x-loops-signature', 'stripe-signature']) if (headers[name]) headerValues.add(headers[name]);
    const response = await fetch(`${stack.url}${path}`, { method, headers, body });
    const id = response.headers.get('request-id');
    if (id) requestIds.add(id);
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  }
  const sdk = (key: string): Stripe => stack.stripe({ key, maxNetworkRetries: 0 });
  const track = <T extends { lastResponse: { requestId: string } }>(result: T): T => {
    requestIds.add(result.lastResponse.requestId);
    return result;
  };
  const form = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' });
  const signLoops = (body: string, t = Math.floor(Date.now() / 1000)) =>
    `t=${t},v1=${createHmac('sha256', loopsWebhookSecretFor('acme')).update(`${t}.${body}`).digest('hex')}`;

  async function exercise() {
    for (const key of [ACME, ACME_LIVE, GLOBEX]) headerValues.add(`Bearer ${key}`);
    const tenants: [string, string][] = [
      ['acme', ACME],
      ['acme', ACME_LIVE],
      ['globex', GLOBEX],
    ];
    const sessions: Record<string, Stripe.Checkout.Session> = {};

    // The happy paths, with mapping lookups (hits, then a miss) and every read.
    for (const [tenant, key] of tenants) {
      const stripe = sdk(key);
      const session = track(
        await stripe.checkout.sessions.create(
          { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 2 }], metadata: { order: `o-${tenant}` } },
          { idempotencyKey: `log-scan-${key.slice(-4)}` },
        ),
      );
      sessions[key] = session;
      track(await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] }));
      track(await stripe.checkout.sessions.update(session.id, { metadata: { note: 'updated' } }));
      track(await stripe.checkout.sessions.list({ limit: 3 }));
      track(await stripe.checkout.sessions.listLineItems(session.id));
      track(await stripe.prices.list({ limit: 3, expand: ['data.product'] }));
      const price = track(await stripe.prices.retrieve('price_tshirt'));
      track(await stripe.products.retrieve(String(price.product)));
      track(await stripe.events.list({ limit: 3 }));
      await expect(
        stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_unmapped_logscan', quantity: 1 }] }),
      ).rejects.toMatchObject({
        statusCode: 400,
      });
    }

    // Bad input, unknown ids and routes, Basic auth.
    expect((await call('POST', '/v1/checkout/sessions', form(ACME), 'mode=payment&line_items[0][price=x')).status).toBe(400);
    expect((await call('POST', '/v1/checkout/sessions', { ...form(ACME), 'content-type': 'application/json' }, '{"mode":')).status).toBe(400);
    expect((await call('GET', '/v1/checkout/sessions/cs_logscan_missing', form(ACME))).status).toBe(404);
    expect((await call('GET', '/v1/nothing_here', form(GLOBEX))).status).toBe(404);
    const basic = `Basic ${Buffer.from(`${GLOBEX}:`).toString('base64')}`;
    expect((await call('GET', '/v1/events', { authorization: basic })).status).toBe(200);

    // Wrong keys, Bearer and Basic.
    for (const key of WRONG_KEYS) {
      expect((await call('GET', '/v1/checkout/sessions', { authorization: `Bearer ${key}` })).status).toBe(401);
      const wrongBasic = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      expect((await call('POST', '/v1/checkout/sessions', { ...form(key), authorization: wrongBasic }, 'mode=payment')).status).toBe(401);
    }
    expect((await call('GET', '/v1/checkout/sessions', {})).status).toBe(401);

    // Loops failing: 5xx (retried, then 502), dropped connections (the create may have been
    // received, and without an Idempotency-Key no retry is safe: 504), and Loops refusing the gateway's key.
    const faults: [Record<string, unknown>, number][] = [
      [{ mode: 'error', status: 503, times: 10 }, 502],
      [{ mode: 'drop', times: 10 }, 504],
      [{ mode: 'error', status: 401, times: 1 }, 500],
    ];
    for (const [fault, status] of faults) {
      expect((await stack.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/checkout/sessions*', ...fault })).status).toBe(
        200,
      );
      const failed = await call('POST', '/v1/checkout/sessions', form(ACME), 'mode=payment&line_items[0][price]=price_mug');
      expect(failed.status).toBe(status);
      await stack.loops.admin('DELETE', '/_emulator/faults');
    }
    // A read Loops fails twice: retried inside the request, then answered.
    await stack.loops.admin('POST', '/_emulator/faults', { method: 'GET', path: '/api/*', mode: 'error', status: 503, times: 2 });
    track(await sdk(ACME_LIVE).checkout.sessions.retrieve(sessions[ACME_LIVE]?.id ?? ''));
    await stack.loops.admin('DELETE', '/_emulator/faults');

    // Loops webhooks in (from the emulator, signed), Stripe webhooks out (signed with every whsec_).
    const paid = sessions[ACME];
    if (!paid) throw new Error('no acme session');
    acmeReceiver.failFirst(1);
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${paid.id}/complete`)).status).toBe(200);
    track(await sdk(GLOBEX).checkout.sessions.expire(sessions[GLOBEX]?.id ?? ''));
    await acmeReceiver.waitFor((events) => events.some((e) => e.type === 'checkout.session.completed'), 15_000);
    await globexReceiver.waitFor((events) => events.some((e) => e.type === 'checkout.session.expired'), 15_000);
    await acmeReceiver.waitFor((events) => events.some((e) => e.type === 'charge.succeeded'), 15_000);
    // The failed first delivery was retried (a merchant endpoint failing is part of the exercise).
    expect(acmeReceiver.received.some((r) => r.answered === 500)).toBe(true);

    // Loops webhooks sent by hand: unknown type, unknown session, a bad signature, a stale one.
    const now = Math.floor(Date.now() / 1000);
    const unknownType = JSON.stringify({ id: 'evt_logscan_1', object: 'event', type: 'payout.paid', created: now, data: { object: { id: 'po_1' } } });
    const unknownSession = JSON.stringify({
      id: 'evt_logscan_2',
      object: 'event',
      type: 'checkout.session.expired',
      created: now,
      data: { object: { id: 'cs_logscan_unknown', object: 'checkout.session', payment_status: 'unpaid', status: 'expired' } },
    });
    const loops = (body: string, signature: string) =>
      call('POST', '/webhooks/loops/acme', { 'content-type': 'application/json', 'x-loops-signature': signature }, body);
    expect((await loops(unknownType, signLoops(unknownType))).status).toBe(200);
    expect((await loops(unknownSession, signLoops(unknownSession))).status).toBeLessThan(500);
    expect((await loops(unknownType, signLoops(`${unknownType} `))).status).toBe(400);
    expect((await loops(unknownType, signLoops(unknownType, now - 3600))).status).toBe(400);

    for (const receiver of [acmeReceiver, globexReceiver]) for (const r of receiver.received) headerValues.add(r.signature);
  }

  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);

  it('wrote structured lines for the whole exercise, at every level it uses', () => {
    const messages = new Set(lines().map((line) => line.msg));
    // The exercise reached each kind of line; a scan of an empty log would prove nothing.
    for (const expected of [
      'request',
      'checkout session created',
      'stripe event recorded',
      'retrying Loops call',
      'request failed',
      'webhook delivery failed; will retry',
      'unknown Loops event type: recorded, nothing to do',
    ]) {
      expect(messages).toContain(expected);
    }
    expect(raw.length).toBeGreaterThan(50);
  });

  it('no line contains an API key, a Loops key, a webhook secret or a credential header value', () => {
    const keys = [ACME, ACME_LIVE, GLOBEX, ...WRONG_KEYS];
    const forbidden = [
      ...keys,
      // The part of a key after its prefix, and the Basic-auth form of it.
      ...keys.map((key) => key.replace(/^[a-z]{2}_(test|live)_/, '')),
      ...keys.map((key) => Buffer.from(`${key}:`).toString('base64')),
      TEST_KEYS.loops,
      TEST_KEYS.loopsWebhook,
      loopsWebhookSecretFor('acme'),
      loopsWebhookSecretFor('globex'),
      ACME_WHSEC,
      ACME_WHSEC_OLD,
      GLOBEX_WHSEC,
      ...headerValues,
    ];
    expect(headerValues.size).toBeGreaterThan(10);
    const leaks = raw.flatMap((line, i) => forbidden.filter((secret) => line.includes(secret)).map((secret) => `line ${i} has ${secret}: ${line}`));
    expect(leaks).toEqual([]);
    // No signature of any kind, even one not seen above (t=…,v1=<64 hex>).
    expect(raw.filter((line) => /v1=[0-9a-f]{64}/.test(line))).toEqual([]);
  });

  it('request-scoped lines carry the request id, and every answered request is in the log', () => {
    const all = lines();
    const scoped = all.filter((line) => ['request', 'checkout session created', 'retrying Loops call', 'request failed'].includes(line.msg ?? ''));
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.filter((line) => !/^req_\w+$/.test(String(line.requestId)))).toEqual([]);
    const logged = new Set(all.filter((line) => line.msg === 'request').map((line) => line.requestId));
    expect(requestIds.size).toBeGreaterThan(40);
    expect([...requestIds].filter((id) => !logged.has(id))).toEqual([]);
  });

  it('every line after start-up names what it serves: a request, a delivery job or a background task run', () => {
    // Start-up lines (before the first request) and shutdown lines (afterAll, not captured here)
    // belong to no request; so would Redis connection errors, which this exercise does not cause.
    const served = lines().slice(startupLines);
    expect(served.length).toBeGreaterThan(50);
    expect(served.filter((line) => !/^(req|job|task)_\S+$/.test(String(line.requestId)))).toEqual([]);
    // Background work is among them: delivery attempts carry the causing request's id or their
    // job's, with the tenant, and the retry of a failed delivery says which request caused it.
    const retries = served.filter((line) => line.msg === 'webhook delivery failed; will retry');
    expect(retries.length).toBeGreaterThan(0);
    for (const line of retries) expect(line).toMatchObject({ requestId: expect.stringMatching(/^(req|job)_/), tenant: 'acme' });
  });
});
