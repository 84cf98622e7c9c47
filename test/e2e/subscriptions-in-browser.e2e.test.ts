import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { MONTHLY_PRODUCT, startHarness, type Harness } from '../emulator/support/harness';

/**
 * The Loops emulator's own hosted pages in a real browser (docs/loops-contract.md §8.3, §8.5): a trial
 * checkout with the customer typing an email and name, then the customer portal's three actions
 * and its link back to the merchant.
 */
describe('subscription pages of the Loops emulator in a real browser', () => {
  let h: Harness;
  let shop: Server;
  let shopUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
    await h.seedProduct(MONTHLY_PRODUCT);
    shop = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://shop');
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1 id="shop">${url.pathname}</h1>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const address = shop.address();
    shopUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await new Promise((resolve) => shop?.close(resolve));
  });

  it('a trial checkout takes what the customer typed; the portal cancels, resumes, cancels now and links back', async () => {
    const session = (
      await h.api('POST', '/api/v3/checkout/sessions', {
        mode: 'subscription',
        line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
        subscription_data: { trial_period_days: 14 },
        externalCustomerId: 'cust_browser',
        customer_email: 'prefilled@example.com',
        success_url: `${shopUrl}/welcome`,
      })
    ).body;
    const page = await browser.newPage();
    await page.goto(session.url);
    expect(await page.textContent('#trial')).toContain('Free trial for 14 days');
    expect(await page.inputValue('#email')).toBe('prefilled@example.com');
    await page.fill('#email', 'grace@example.com');
    await page.fill('#name', 'Grace Hopper');
    expect(await page.textContent('#pay')).toBe('Start trial');
    await Promise.all([page.waitForURL(`${shopUrl}/welcome**`), page.click('#pay')]);

    const paid = (await h.api('GET', `/api/v3/checkout/sessions/${session.id}`)).body;
    expect(paid).toMatchObject({ payment_status: 'no_payment_required', customer_details: { email: 'grace@example.com', name: 'Grace Hopper' } });
    const sub = paid.subscription as string;
    expect((await h.api('GET', `/api/v3/subscriptions/${sub}`)).body).toMatchObject({ status: 'trialing', customer_email: 'grace@example.com' });

    const portal = (await h.api('POST', '/api/v3/customer-portal/sessions', { externalCustomerId: 'cust_browser', returnUrl: `${shopUrl}/account` }))
      .body;
    await page.goto(portal.url);
    expect(await page.getAttribute(`[id="${sub}"]`, 'data-status')).toBe('trialing');

    // Each button posts a form answered by a 303 back to the page, which then shows the new state.
    await page.click(`#cancel-at-period-end-${sub}`);
    await page.waitForSelector(`#resume-${sub}`);
    expect(page.url()).toBe(portal.url);
    expect((await h.api('GET', `/api/v3/subscriptions/${sub}`)).body.cancel_at_period_end).toBe(true);

    await page.click(`#resume-${sub}`);
    await page.waitForSelector(`#cancel-at-period-end-${sub}`);
    expect((await h.api('GET', `/api/v3/subscriptions/${sub}`)).body.cancel_at_period_end).toBe(false);

    await page.click(`#cancel-now-${sub}`);
    await page.waitForSelector(`[id="${sub}"][data-status="canceled"]`);
    expect(await page.$$('button')).toHaveLength(0);
    expect((await h.api('GET', `/api/v3/subscriptions/${sub}`)).body.status).toBe('canceled');

    await Promise.all([page.waitForURL(`${shopUrl}/account`), page.click('#return')]);
    expect(await page.textContent('#shop')).toBe('/account');
    await page.close();
  });
});
