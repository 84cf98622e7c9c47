import { freePort } from '../helpers/redis-server';
import { eventually, expectError, MONTHLY_PRODUCT, startHarness, USD_PRODUCT, type Harness } from './support/harness';
import { ofType, signatureIsValid, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'whsec_emulator_test';

describe('webhooks (docs/loops-contract.md §5)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  let statuses: number[];

  beforeAll(async () => {
    receiver = await startWebhookReceiver((n) => statuses[n - 1] ?? 200);
    h = await startHarness({ webhooks: [{ url: receiver.url, secret: SECRET }], webhookRetryDelaysMs: [50, 100, 200] });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    statuses = [];
    await h.admin('POST', '/_emulator/reset'); // also drops retries still pending from the last test
    receiver.received.length = 0;
    await h.admin('PUT', '/_emulator/webhooks', { targets: [{ url: receiver.url, secret: SECRET }] });
    await Promise.all([USD_PRODUCT, MONTHLY_PRODUCT].map((p) => h.seedProduct(p)));
  });

  const newSession = async (body: Record<string, unknown> = {}) =>
    (await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id, customer_email: 'buyer@example.com', metadata: { order: '42' }, ...body })).body;

  it('Pay sends checkout.session.completed and charge.succeeded, signed over the raw body', async () => {
    const s = await newSession();
    await fetch(`${s.url}/pay`, { method: 'POST', redirect: 'manual' });
    const [completed] = await receiver.waitFor(ofType('checkout.session.completed'));
    const [charge] = await receiver.waitFor(ofType('charge.succeeded'));
    for (const hook of [completed!, charge!]) {
      expect(signatureIsValid(SECRET, hook.headers['x-loops-signature'] as string, hook.raw)).toBe(true);
      expect(signatureIsValid('wrong secret', hook.headers['x-loops-signature'] as string, hook.raw)).toBe(false);
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.event).toMatchObject({ id: expect.stringMatching(/^evt_/), object: 'event', livemode: false, created: expect.any(Number) });
    }
    expect(completed!.event.data.object).toMatchObject({ id: s.id, object: 'checkout.session', payment_status: 'paid', amount_total: 2999, metadata: { order: '42' } });
    expect(completed!.event.data.object).not.toHaveProperty('status');
    expect(charge!.event.data.object).toEqual({
      id: expect.stringMatching(/^ch_/),
      object: 'charge',
      amount: 2999,
      amount_captured: 2999,
      amount_refunded: 0,
      captured: true,
      checkout_session: s.id,
      created: expect.any(Number),
      currency: 'usd',
      customer_email: 'buyer@example.com',
      failure_message: null,
      livemode: false,
      metadata: { order: '42' },
      paid: true,
      payment_intent: completed!.event.data.object.payment_intent,
      refunded: false,
      status: 'succeeded',
      subscription: null,
    });
    expect(completed!.event.id).not.toBe(charge!.event.id);
  });

  it('a recurring purchase also sends subscription.created', async () => {
    const s = await newSession({ productId: MONTHLY_PRODUCT.id, mode: 'subscription' });
    await h.admin('POST', `/_emulator/sessions/${s.id}/complete`);
    const [sub] = await receiver.waitFor(ofType('subscription.created'));
    const object = sub!.event.data.object;
    expect(object).toMatchObject({ id: expect.stringMatching(/^sub_/), object: 'subscription', checkout_session: s.id, productId: MONTHLY_PRODUCT.id, status: 'active' });
    const days = (object.current_period_end - object.current_period_start) / 86400;
    expect(days).toBeGreaterThanOrEqual(28);
    expect(days).toBeLessThanOrEqual(31);
    const all = await receiver.waitFor(() => true, 3);
    expect(all.map((r) => r.event.type).sort()).toEqual(['charge.succeeded', 'checkout.session.completed', 'subscription.created']);
  });

  it('Fail sends checkout.session.failed', async () => {
    const s = await newSession();
    await fetch(`${s.url}/fail`, { method: 'POST', redirect: 'manual' });
    const [failed] = await receiver.waitFor(ofType('checkout.session.failed'));
    expect(failed!.event.data.object).toMatchObject({ id: s.id, payment_status: 'unpaid' });
  });

  it('retries a failed delivery, signing each attempt afresh', async () => {
    statuses = [500, 503];
    const s = await newSession();
    await h.admin('POST', `/_emulator/sessions/${s.id}/expire`);
    const attempts = await receiver.waitFor(ofType('checkout.session.expired'), 3);
    expect(new Set(attempts.map((a) => a.event.id)).size).toBe(1);
    for (const attempt of attempts) expect(signatureIsValid(SECRET, attempt.headers['x-loops-signature'] as string, attempt.raw)).toBe(true);
    const log = await eventually(async () => {
      const deliveries = (await h.admin('GET', '/_emulator/webhooks/deliveries')).body.deliveries;
      return deliveries.length === 3 ? deliveries : undefined;
    });
    expect(log.map((d: any) => [d.type, d.attempt, d.status, d.url])).toEqual([
      ['checkout.session.expired', 1, 500, receiver.url],
      ['checkout.session.expired', 2, 503, receiver.url],
      ['checkout.session.expired', 3, 200, receiver.url],
    ]);
  });

  it('gives up after the configured retries, logging network errors too', async () => {
    const deadPort = await freePort();
    await h.admin('PUT', '/_emulator/webhooks', { targets: [{ url: `http://127.0.0.1:${deadPort}/hook`, secret: SECRET }] });
    const s = await newSession();
    await h.admin('POST', `/_emulator/sessions/${s.id}/fail`);
    const log = await eventually(async () => {
      const deliveries = (await h.admin('GET', '/_emulator/webhooks/deliveries')).body.deliveries;
      return deliveries.length >= 4 ? deliveries : undefined;
    });
    expect(log.map((d: any) => d.attempt)).toEqual([1, 2, 3, 4]);
    expect(log.every((d: any) => d.status === null && /ECONNREFUSED/.test(d.error))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300)); // longer than the last delay: no fifth attempt
    expect((await h.admin('GET', '/_emulator/webhooks/deliveries')).body.deliveries).toHaveLength(4);
  });

  it('refunds send charge.refunded; partial then full', async () => {
    const s = await newSession();
    expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/refund`, {}), 409, 'session_not_completed');
    await h.admin('POST', `/_emulator/sessions/${s.id}/complete`);
    const partial = await h.admin('POST', `/_emulator/sessions/${s.id}/refund`, { amount: 1000 });
    expect(partial.body).toMatchObject({ amount_refunded: 1000, refunded: false });
    expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/refund`, { amount: 5000 }), 400);
    const rest = await h.admin('POST', `/_emulator/sessions/${s.id}/refund`, {});
    expect(rest.body).toMatchObject({ amount_refunded: 2999, refunded: true });
    const refunds = await receiver.waitFor(ofType('charge.refunded'), 2);
    expect(refunds.map((r) => [r.event.data.object.amount_refunded, r.event.data.object.refunded]).sort()).toEqual([
      [1000, false],
      [2999, true],
    ]);
    expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/refund`, {}), 409, 'charge_already_refunded');
  });

  it('sends to every target and lets the admin API read and replace them', async () => {
    const second = await startWebhookReceiver();
    try {
      const targets = [
        { url: receiver.url, secret: SECRET },
        { url: second.url, secret: 'other_secret' },
      ];
      expect((await h.admin('PUT', '/_emulator/webhooks', { targets })).body).toEqual({ targets });
      expect((await h.admin('GET', '/_emulator/webhooks')).body).toEqual({ targets });
      const s = await newSession();
      await h.admin('POST', `/_emulator/sessions/${s.id}/fail`);
      const [hook] = await second.waitFor(ofType('checkout.session.failed'));
      expect(signatureIsValid('other_secret', hook!.headers['x-loops-signature'] as string, hook!.raw)).toBe(true);
      await receiver.waitFor(ofType('checkout.session.failed'));
      expectError(await h.admin('PUT', '/_emulator/webhooks', { targets: [{ url: 'nope', secret: '' }] }), 400);
    } finally {
      await second.close();
    }
  });
});

describe('webhook signature header and timestamps', () => {
  it('uses the configured header name and a fresh t on each retry', async () => {
    const statuses = [500];
    const receiver = await startWebhookReceiver((n) => statuses[n - 1] ?? 200);
    // 1.1 s between attempts so the second one has to carry a later whole-second timestamp.
    const h = await startHarness({ webhooks: [{ url: receiver.url, secret: SECRET }], webhookRetryDelaysMs: [1100], webhookSignatureHeader: 'Loops-Signature' });
    try {
      await h.seedProduct(USD_PRODUCT);
      const s = (await h.api('POST', '/api/v2/checkout/sessions', { productId: USD_PRODUCT.id })).body;
      await h.admin('POST', `/_emulator/sessions/${s.id}/fail`);
      const [first, second] = await receiver.waitFor(() => true, 2);
      const header = (hook: typeof first) => hook!.headers['loops-signature'] as string;
      expect(first!.headers['x-loops-signature']).toBeUndefined();
      expect(signatureIsValid(SECRET, header(first), first!.raw)).toBe(true);
      expect(signatureIsValid(SECRET, header(second), second!.raw)).toBe(true);
      const t = (hook: typeof first) => Number(/t=(\d+)/.exec(header(hook))?.[1]);
      expect(t(second)).toBeGreaterThan(t(first));
      expect(second!.raw.equals(first!.raw)).toBe(true);
    } finally {
      await h.close();
      await receiver.close();
    }
  });
});
