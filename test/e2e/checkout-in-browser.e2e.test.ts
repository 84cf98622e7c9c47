import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';

/**
 * The whole flow a customer sees: merchant code creates a session with the stripe package, the
 * browser opens `session.url`, Pay is clicked on the hosted page, the browser lands on the
 * merchant's success URL, and the merchant's webhook handler gets a verified event.
 */
describe('checkout in a real browser', () => {
  let stack: Stack;
  let receiver: MerchantReceiver;
  let shop: Server;
  let shopUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    stack = await startStack({ env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook } });
    shop = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://shop');
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1 id="thanks">Thanks! Order ${url.searchParams.get('session_id')}</h1>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const address = shop.address();
    shopUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await receiver?.close();
    await new Promise((resolve) => shop?.close(resolve));
  });

  it('Pay on the hosted page lands on the success URL and delivers a verified checkout.session.completed', async () => {
    const stripe = stack.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 2 }],
      success_url: `${shopUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${shopUrl}/cart`,
      metadata: { order_id: 'browser-1' },
    });
    const page = await browser.newPage();
    await page.goto(session.url ?? '');
    const text = await page.textContent('body');
    expect(text).toContain('T-shirt');
    expect(text).toContain('40.00');
    expect(text).toContain('USD');
    await Promise.all([page.waitForURL(`${shopUrl}/success**`), page.click('#pay')]);
    const landed = new URL(page.url());
    expect(landed.pathname).toBe('/success');
    expect(landed.searchParams.getAll('session_id')).toEqual([session.id, session.id]);
    expect(landed.searchParams.get('status')).toBe('completed');
    expect(await page.textContent('#thanks')).toBe(`Thanks! Order ${session.id}`);

    const [event] = await receiver
      .waitFor((events) => events.some((e) => e.type === 'checkout.session.completed'), 15_000)
      .then((events) => events.filter((e) => e.type === 'checkout.session.completed'));
    expect(event?.data.object).toMatchObject({
      id: session.id,
      status: 'complete',
      payment_status: 'paid',
      metadata: { order_id: 'browser-1' },
      amount_total: 4000,
    });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
    await page.close();
  });

  it('Cancel returns to the cancel URL and leaves the session open', async () => {
    const stripe = stack.stripe();
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_mug', quantity: 1 }],
      success_url: `${shopUrl}/success`,
      cancel_url: `${shopUrl}/cart?from=checkout`,
    });
    const page = await browser.newPage();
    await page.goto(session.url ?? '');
    await Promise.all([page.waitForURL(`${shopUrl}/cart**`), page.click('#cancel')]);
    const landed = new URL(page.url());
    expect([landed.searchParams.get('from'), landed.searchParams.get('session_id'), landed.searchParams.get('status')]).toEqual([
      'checkout',
      session.id,
      'canceled',
    ]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    await page.close();
  });
});
