import { eventually, expectError, startHarness, USD_PRODUCT, type Harness } from './support/harness';
import { ofType, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'whsec_expiry';

describe('expiry (docs/loops-contract.md §2, §6)', () => {
  let receiver: WebhookReceiver;
  const harnesses: Harness[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });
  afterAll(() => receiver.close());

  async function start(options: { sessionTtlSeconds?: number; expirySweepIntervalMs?: number } = {}): Promise<Harness> {
    const h = await startHarness({ webhooks: [{ url: receiver.url, secret: SECRET }], webhookRetryDelaysMs: [], ...options });
    harnesses.push(h);
    await h.seedProduct(USD_PRODUCT);
    return h;
  }

  const createV3 = async (h: Harness, body: Record<string, unknown> = {}) =>
    (await h.api('POST', '/api/v3/checkout/sessions', { productId: USD_PRODUCT.id, ...body })).body;
  const status = async (h: Harness, id: string) => (await h.api('GET', `/api/v2/checkout/sessions/${id}`)).body.status;

  /** Lets in-flight deliveries land, then counts expired events for one session. */
  async function expiredEventsFor(h: Harness, id: string): Promise<number> {
    await h.admin('POST', '/_emulator/sweep');
    await new Promise((resolve) => setTimeout(resolve, 100));
    return receiver.received.filter((r) => r.event.type === 'checkout.session.expired' && r.event.data.object.id === id).length;
  }

  it('moving the clock past expires_at expires open sessions once, with the webhook', async () => {
    const h = await start();
    const open = await createV3(h);
    const paid = await createV3(h);
    await h.admin('POST', `/_emulator/sessions/${paid.id}/complete`);
    const clock = await h.admin('POST', '/_emulator/clock', { advanceSeconds: 3601 });
    expect(clock.body).toMatchObject({ expired: 1, offsetSeconds: 3601 });
    const [hook] = await receiver.waitFor(ofType('checkout.session.expired'));
    expect(hook!.event.data.object).toMatchObject({ id: open.id, payment_status: 'unpaid' });
    expect(await status(h, open.id)).toBe('EXPIRED');
    expect(await status(h, paid.id)).toBe('COMPLETED');
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 3600 });
    expect(await expiredEventsFor(h, open.id)).toBe(1);
    expect(await expiredEventsFor(h, paid.id)).toBe(0);
  });

  it('honours a V3 expires_at', async () => {
    const h = await start();
    const s = await createV3(h, { expires_at: Math.floor(Date.now() / 1000) + 120 });
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 60 });
    expect(await status(h, s.id)).toBe('PENDING');
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 61 });
    expect(await status(h, s.id)).toBe('EXPIRED');
  });

  it('the periodic sweep expires sessions nobody reads', async () => {
    const h = await start({ sessionTtlSeconds: 1, expirySweepIntervalMs: 20 });
    const s = await createV3(h);
    const [hook] = await receiver.waitFor(ofType('checkout.session.expired'), 1, 3000);
    expect(hook!.event.data.object.id).toBe(s.id);
    expect(await expiredEventsFor(h, s.id)).toBe(1);
  });

  it('reading a session past its expiry expires it, even between sweeps', async () => {
    const h = await start({ sessionTtlSeconds: 1, expirySweepIntervalMs: 3_600_000 });
    const s = await createV3(h);
    await eventually(async () => ((await status(h, s.id)) === 'EXPIRED' ? true : undefined), 3000, 'expiry on read');
    expect(await expiredEventsFor(h, s.id)).toBe(1);
  });

  it('POST /_emulator/sweep expires due sessions and reports how many', async () => {
    const h = await start({ sessionTtlSeconds: 1, expirySweepIntervalMs: 3_600_000 });
    // Expiry is cut to whole seconds: two sessions made on either side of a second boundary fall
    // due a second apart, and the first sweep would find only one. Made early in a second, both
    // share one expires_at.
    const intoSecond = Date.now() % 1000;
    if (intoSecond > 500) await new Promise((resolve) => setTimeout(resolve, 1010 - intoSecond));
    const first = await createV3(h);
    const second = await createV3(h);
    expect(second.expires_at).toBe(first.expires_at);
    const swept = await eventually(async () => {
      const { expired } = (await h.admin('POST', '/_emulator/sweep')).body;
      return expired > 0 ? expired : undefined;
    }, 3000);
    expect(swept).toBe(2);
    expect((await h.admin('POST', '/_emulator/sweep')).body.expired).toBe(0);
  });

  it('V2 expiresAt in the past expires at once and sends the webhook once', async () => {
    const h = await start();
    const s = await createV3(h);
    const reply = await h.api('PUT', `/api/v2/checkout/sessions/${s.id}`, { expiresAt: '2000-01-01T00:00:00Z' });
    expect(reply.body.status).toBe('EXPIRED');
    await receiver.waitFor(ofType('checkout.session.expired'));
    expect(await expiredEventsFor(h, s.id)).toBe(1);
  });

  it('V2 expiresAt in the future moves the expiry', async () => {
    const h = await start();
    const s = await createV3(h);
    const later = new Date(Date.now() + 5 * 3600_000);
    later.setUTCMilliseconds(0);
    const reply = await h.api('PUT', `/api/v2/checkout/sessions/${s.id}`, { expiresAt: later.toISOString() });
    expect(reply.body.expiresAt).toBe(later.toISOString());
    await h.admin('POST', '/_emulator/clock', { advanceSeconds: 2 * 3600 });
    expect(await status(h, s.id)).toBe('PENDING');
  });

  it('an expired session cannot be paid any more', async () => {
    const h = await start();
    const s = await createV3(h);
    await h.admin('POST', `/_emulator/sessions/${s.id}/expire`);
    expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/complete`), 409, 'session_not_open');
    expectError(await h.admin('POST', `/_emulator/sessions/${s.id}/expire`), 409, 'session_not_open');
    expect((await fetch(`${s.url}/pay`, { method: 'POST' })).status).toBe(409);
    expect(await expiredEventsFor(h, s.id)).toBe(1);
  });
});
