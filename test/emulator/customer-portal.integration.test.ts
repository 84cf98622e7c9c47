import { expectError, MONTHLY_PRODUCT, startHarness, type Harness } from './support/harness';
import { advance, subscribe } from './support/subscribe';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const RETURN_URL = 'https://shop.example/account?tab=billing';

/** The portal page's forms, by button id: the path each posts to. */
function buttons(html: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, action, id] of html.matchAll(/<form method="post" action="([^"]+)"><button type="submit" id="([^"]+)">/g)) found[id!] = action!;
  return found;
}

/** A section per subscription: `id → data-status`, in page order. */
const sections = (html: string) => [...html.matchAll(/<section class="subscription" id="([^"]+)" data-status="([^"]+)">/g)].map(([, id, status]) => [id, status]);

describe('customer portal (docs/loops-contract.md §8.2, §8.5)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({ webhooks: [{ url: receiver.url, secret: 'whsec_portal' }], webhookRetryDelaysMs: [] });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await h.admin('POST', '/_emulator/reset');
    receiver.received.length = 0;
    await h.seedProduct(MONTHLY_PRODUCT);
  });

  const createPortal = (body: unknown, headers: Record<string, string> = {}) => h.api('POST', '/api/v3/customer-portal/sessions', body, headers);
  const open = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, html: await response.text() };
  };
  /** Presses a portal button as a browser would: posts its (empty) form, without following the redirect. */
  const press = (pageUrl: string, action: string) =>
    fetch(new URL(action, pageUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
  const subscription = async (id: string) => (await h.api('GET', `/api/v3/subscriptions/${id}`)).body;

  it('creates a portal session: the §8.2 object, expiring after one hour', async () => {
    const reply = await createPortal({ externalCustomerId: 'cust_42', returnUrl: RETURN_URL });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^bps_/),
      object: 'customer_portal.session',
      url: `${h.url}/portal/${reply.body.id}`,
      externalCustomerId: 'cust_42',
      returnUrl: RETURN_URL,
      created: expect.any(Number),
      expires_at: reply.body.created + 3600,
    });
  });

  it('validates the body, needs the API key and honours Idempotency-Key', async () => {
    for (const body of [{}, { externalCustomerId: 'cust_42' }, { returnUrl: RETURN_URL }, { externalCustomerId: '', returnUrl: RETURN_URL }, { externalCustomerId: 'c', returnUrl: 'javascript:alert(1)' }, { externalCustomerId: 'c', returnUrl: RETURN_URL, customer: 'x' }]) {
      expectError(await createPortal(body), 400, 'validation_error');
    }
    const unauthenticated = await fetch(`${h.url}/api/v3/customer-portal/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);
    const body = { externalCustomerId: 'cust_42', returnUrl: RETURN_URL };
    const first = await createPortal(body, { 'idempotency-key': 'portal-1' });
    const again = await createPortal(body, { 'idempotency-key': 'portal-1' });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await createPortal(body)).body.id).not.toBe(first.body.id);
  });

  it("the page lists that customer's subscriptions, newest first, with the actions and a link back", async () => {
    const older = (await subscribe(h)).subscription;
    await advance(h, 5);
    const newer = (await subscribe(h, { subscription_data: { trial_period_days: 14 }, line_items: [{ price: 'price_pro_monthly', quantity: 2 }] })).subscription;
    const someoneElse = (await subscribe(h, { externalCustomerId: 'cust_other' })).subscription;
    const portal = (await createPortal({ externalCustomerId: 'cust_42', returnUrl: RETURN_URL })).body;
    const page = await open(portal.url);
    expect(page.status).toBe(200);
    expect(sections(page.html)).toEqual([
      [newer.id, 'trialing'],
      [older.id, 'active'],
    ]);
    expect(page.html).not.toContain(someoneElse.id);
    expect(page.html).toContain('<a id="return" href="https://shop.example/account?tab=billing">');
    expect(page.html).toContain('Pro plan × 2');
    expect(page.html).toContain('<span class="amount">30.00</span> USD per month');
    expect(Object.keys(buttons(page.html)).sort()).toEqual([`cancel-at-period-end-${newer.id}`, `cancel-at-period-end-${older.id}`, `cancel-now-${newer.id}`, `cancel-now-${older.id}`].sort());
    expect(page.html).not.toMatch(/<script|<link|src="http/);

    const empty = await open((await createPortal({ externalCustomerId: 'cust_nobody', returnUrl: RETURN_URL })).body.url);
    expect(empty.html).toContain('id="no-subscriptions"');
  });

  it('cancel at period end, resume and cancel now work from the page, with the API effects and webhooks', async () => {
    const sub = (await subscribe(h)).subscription;
    const portal = (await createPortal({ externalCustomerId: 'cust_42', returnUrl: RETURN_URL })).body;

    const cancelLater = await press(portal.url, buttons((await open(portal.url)).html)[`cancel-at-period-end-${sub.id}`]!);
    expect(cancelLater.status).toBe(303);
    expect(cancelLater.headers.get('location')).toBe(portal.url);
    expect(await subscription(sub.id)).toMatchObject({ status: 'active', cancel_at_period_end: true, canceled_at: expect.any(Number) });
    let page = await open(portal.url);
    expect(Object.keys(buttons(page.html)).sort()).toEqual([`cancel-now-${sub.id}`, `resume-${sub.id}`]);
    expect(page.html).toContain('Ends ');

    expect((await press(portal.url, buttons(page.html)[`resume-${sub.id}`]!)).status).toBe(303);
    expect(await subscription(sub.id)).toMatchObject({ cancel_at_period_end: false, canceled_at: null });

    page = await open(portal.url);
    expect((await press(portal.url, buttons(page.html)[`cancel-now-${sub.id}`]!)).status).toBe(303);
    expect(await subscription(sub.id)).toMatchObject({ status: 'canceled', ended_at: expect.any(Number) });
    page = await open(portal.url);
    expect(sections(page.html)).toEqual([[sub.id, 'canceled']]);
    expect(buttons(page.html)).toEqual({});

    await h.admin('POST', '/_emulator/webhooks/flush');
    const types = receiver.received.filter(({ event }) => event.data.object.id === sub.id).map(({ event }) => event.type);
    // Deliveries are unordered (§8.4); the set is what the three presses cause.
    expect(types.filter((t) => t !== 'subscription.created').sort()).toEqual(['subscription.canceled', 'subscription.updated', 'subscription.updated']);
  });

  it('reaches only its own customer: another customer’s subscription is a 404 and stays as it is', async () => {
    const mine = (await subscribe(h)).subscription;
    const theirs = (await subscribe(h, { externalCustomerId: 'cust_other' })).subscription;
    const portal = (await createPortal({ externalCustomerId: 'cust_42', returnUrl: RETURN_URL })).body;
    const path = new URL(portal.url).pathname;
    for (const action of ['cancel-at-period-end', 'cancel-now']) {
      const response = await press(portal.url, `${path}/subscriptions/${theirs.id}/${action}`);
      expect(response.status).toBe(404);
      expect(await press(portal.url, `${path}/subscriptions/sub_missing/${action}`).then((r) => r.status)).toBe(404);
    }
    expect(await subscription(theirs.id)).toMatchObject({ status: 'active', cancel_at_period_end: false });
    expect((await press(portal.url, `${path}/subscriptions/${mine.id}/pause`)).status).toBe(404);
  });

  it('a canceled subscription cannot be acted on (409); an expired portal session shows nothing and changes nothing (410)', async () => {
    const sub = (await subscribe(h)).subscription;
    const portal = (await createPortal({ externalCustomerId: 'cust_42', returnUrl: RETURN_URL })).body;
    const path = new URL(portal.url).pathname;
    await h.api('DELETE', `/api/v3/subscriptions/${sub.id}`);
    for (const action of ['cancel-at-period-end', 'resume', 'cancel-now']) {
      expect((await press(portal.url, `${path}/subscriptions/${sub.id}/${action}`)).status).toBe(409);
    }

    const live = (await subscribe(h)).subscription;
    await advance(h, 3600);
    const expired = await open(portal.url);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('has expired');
    expect(expired.html).toContain('<a id="return" href="https://shop.example/account?tab=billing">');
    expect(expired.html).not.toContain(live.id);
    expect((await press(portal.url, `${path}/subscriptions/${live.id}/cancel-now`)).status).toBe(410);
    expect((await subscription(live.id)).status).toBe('active');
    expect((await open(`${h.url}/portal/bps_missing`)).status).toBe(404);
  });

  it('escapes what the merchant and customer sent', async () => {
    await subscribe(h, { externalCustomerId: '<i>cust</i>' });
    const portal = (await createPortal({ externalCustomerId: '<i>cust</i>', returnUrl: 'https://shop.example/?a="b"&c=<d>' })).body;
    const page = await open(portal.url);
    expect(page.html).toContain('&#60;i&#62;cust&#60;/i&#62;');
    expect(page.html).toContain('href="https://shop.example/?a=&#34;b&#34;&#38;c=&#60;d&#62;"');
    expect(page.html).not.toContain('<i>cust</i>');
  });
});
