import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { waitFor } from '../helpers/wait-for';
import { startExample, type RunningExample } from './support/example-process';

/**
 * examples/one-time-shop, started with its README's one command against the gateway sandbox, driven
 * by headless Chromium as a customer: product page → Buy → Pay on the emulated Loops page → the
 * shop's success page reading the session → the order page, marked paid by the shop's webhook
 * handler (stripe.webhooks.constructEvent on the gateway's delivery).
 */
describe('examples/one-time-shop in a real browser', () => {
  let example: RunningExample;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    example = await startExample('one-time-shop');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await example?.close();
  }, 60_000);

  /** The order page, reloaded until the webhook has set the status (or 20 s pass). */
  async function orderStatusBecomes(page: Page, status: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if ((await page.textContent('#order-status')) === status) return;
      if (Date.now() > deadline) throw new Error(`order status still "${await page.textContent('#order-status')}"\n${example.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.reload();
    }
  }

  it('buy, pay on the Loops page, see the paid order', async () => {
    const page = await browser.newPage();
    await page.goto(example.appUrl);
    expect(await page.textContent('#product-name')).toBe('T-shirt');
    expect(await page.textContent('#price')).toBe('$20.00');
    await page.fill('#quantity', '2');

    // The shop redirects to session.url: the Loops (emulator) hosted page.
    await Promise.all([page.waitForURL(`${example.emulatorUrl}/checkout/**`), page.click('#buy')]);
    const sessionId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(sessionId).toMatch(/^cs_/);
    const hosted = await page.textContent('body');
    expect(hosted).toContain('T-shirt');
    expect(hosted).toContain('40.00');

    await page.fill('#email', 'ada@example.com');
    await Promise.all([page.waitForURL(`${example.appUrl}/success**`), page.click('#pay')]);
    expect(await page.textContent('#thanks')).toBe('Thank you for your order!');
    expect(await page.textContent('#payment-status')).toBe('paid');
    expect(await page.textContent('#amount')).toBe('$40.00');

    await Promise.all([page.waitForURL(`${example.appUrl}/orders/**`), page.click('#order-link')]);
    await orderStatusBecomes(page, 'paid');
    expect(await page.textContent('#order-amount')).toBe('$40.00');
    const orderId = await page.textContent('#order-id');

    // What the shop did is what a Stripe account would show.
    const stripe = example.stripe();
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      amount_total: 4000,
      client_reference_id: orderId,
      metadata: { order_id: orderId },
    });
    // One checkout.session.completed, which the shop has (its 2xx is recorded just after it answers).
    const completedEvents = async () =>
      (await stripe.events.list({ type: 'checkout.session.completed' })).data.filter(
        (event) => (event.data.object as { id?: string }).id === sessionId,
      );
    await waitFor(async () => (await completedEvents())[0]?.pending_webhooks === 0, 10_000, 'the delivery recorded');
    expect(await completedEvents()).toHaveLength(1);
    await page.close();
  }, 60_000);

  it('Cancel on the Loops page goes back to the shop and leaves the order pending', async () => {
    const page = await browser.newPage();
    await page.goto(example.appUrl);
    await Promise.all([page.waitForURL(`${example.emulatorUrl}/checkout/**`), page.click('#buy')]);
    const sessionId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await Promise.all([page.waitForURL(`${example.appUrl}/?**`), page.click('#cancel')]);
    expect(await page.textContent('#product-name')).toBe('T-shirt');

    const session = await example.stripe().checkout.sessions.retrieve(sessionId);
    expect(session.status).toBe('open');
    await page.goto(`${example.appUrl}/orders/${session.client_reference_id}`);
    expect(await page.textContent('#order-status')).toBe('pending');
    await page.close();
  }, 60_000);

  it('the webhook handler refuses an event not signed with the endpoint secret', async () => {
    const buy = await fetch(`${example.appUrl}/checkout`, { method: 'POST', body: new URLSearchParams({ quantity: '1' }), redirect: 'manual' });
    expect(buy.status).toBe(303);
    const sessionId = new URL(buy.headers.get('location') ?? '').pathname.split('/').pop() ?? '';
    const orderId = (await example.stripe().checkout.sessions.retrieve(sessionId)).client_reference_id;

    const payload = JSON.stringify({
      id: 'evt_forged',
      type: 'checkout.session.completed',
      data: { object: { client_reference_id: orderId, payment_status: 'paid' } },
    });
    const t = Math.floor(Date.now() / 1000);
    const forged = createHmac('sha256', 'whsec_not_the_shops').update(`${t}.${payload}`).digest('hex');
    const response = await fetch(`${example.appUrl}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${forged}` },
      body: payload,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('No signatures found matching the expected signature');
    const order = await fetch(`${example.appUrl}/orders/${orderId}`).then((r) => r.text());
    expect(order).toContain('<span id="order-status" class="status">pending</span>');
  }, 60_000);
});
