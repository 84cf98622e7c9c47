import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { waitFor } from '../helpers/wait-for';
import { startExample, type RunningExample } from './support/example-process';

const DAY = 86_400;

/**
 * examples/saas-subscriptions, started with its README's one command (which runs its seed script
 * against the gateway sandbox first), driven by headless Chromium as a customer: pricing page →
 * subscribe with a 14-day trial → Start trial on the emulated Loops page → the app's welcome and
 * account pages → Manage billing opens the Loops portal → cancel at period end → back to the app;
 * then the emulator's test clock passes the trial's end and the app sees the subscription end,
 * through `customer.subscription.*` events and a retrieve.
 */
describe('examples/saas-subscriptions in a real browser', () => {
  let example: RunningExample;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  }, 60_000);
  // Each test has its own app, gateway and Loops: a test moves the emulator's clock days ahead, and
  // a checkout the next test made on it would get an `expires_at` (the gateway's real time + 24 h)
  // that Loops' moved clock already has behind it.
  beforeEach(async () => {
    example = await startExample('saas-subscriptions');
  }, 120_000);
  afterEach(async () => {
    await example?.close();
  }, 60_000);

  /** Reloads the app's page until `check` holds (webhooks arrive after the redirect), or 30 s pass. */
  async function reloadUntil(page: Page, what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what} on ${page.url()}:\n${await page.textContent('body')}\n${example.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await page.reload();
    }
  }

  const text = (page: Page, selector: string) =>
    page
      .locator(selector)
      .textContent({ timeout: 1_000 })
      .catch(() => null);

  const untilText = (page: Page, selector: string, expected: string) =>
    reloadUntil(page, `${selector} to read "${expected}"`, async () => (await text(page, selector)) === expected);

  async function advanceClock(seconds: number): Promise<Array<{ type: string; object: string }>> {
    const response = await fetch(`${example.emulatorUrl}/_emulator/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: Array<{ type: string; object: string }> }).events;
  }

  /** Pricing page → subscribe → Start trial on the Loops page → welcome page → account page. */
  async function subscribeWithTrial(context: BrowserContext, plan: string, planName: string, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(example.appUrl);
    expect(await page.textContent(`#plan-starter_monthly h2`)).toBe('Starter');
    expect(await page.textContent(`#plan-pro_monthly h2`)).toBe('Pro');
    await page.fill(`#plan-${plan} input[name="email"]`, email);
    await Promise.all([page.waitForURL(`${example.emulatorUrl}/checkout/**`), page.click(`#subscribe-${plan}`)]);

    // The Loops page: a trial, nothing charged now, the customer's email prefilled from the customer.
    expect(await page.textContent('#trial')).toContain('Free trial for 14 days');
    expect(await page.inputValue('#email')).toBe(email);
    expect(await page.textContent('body')).toContain(planName);
    await page.fill('#name', 'Grace Hopper');
    await Promise.all([page.waitForURL(`${example.appUrl}/welcome**`), page.click('#pay')]);
    expect(await page.textContent('#welcome')).toBe(`Welcome to ${planName}!`);

    await Promise.all([page.waitForURL(`${example.appUrl}/account`), page.click('#go-to-account')]);
    expect(await page.textContent('#plan-name')).toBe(planName);
    expect(await page.textContent('#subscription-status')).toBe('trialing');
    await untilText(page, '#access', 'on');
    return page;
  }

  it('subscribe with a trial, open the portal, cancel at period end, and see the subscription end when the trial does', async () => {
    const context = await browser.newContext();
    const page = await subscribeWithTrial(context, 'pro_monthly', 'Pro', 'grace@example.com');
    const subscriptionId = (await page.textContent('#subscription-id')) ?? '';
    expect(subscriptionId).toMatch(/^sub_/);
    expect(await page.locator('#cancel-notice').count()).toBe(0);

    // Manage billing → the Loops portal → cancel at period end → the link back to the app.
    await Promise.all([page.waitForURL(`${example.emulatorUrl}/portal/**`), page.click('#manage-billing')]);
    expect(await page.locator('section.subscription').count()).toBe(1);
    await page.click('button[id^="cancel-at-period-end-"]');
    await page.waitForSelector('button[id^="resume-"]');
    await Promise.all([page.waitForURL(`${example.appUrl}/account`), page.click('#return')]);

    // Read from Stripe: still trialing, ending at the trial's end; the app keeps access until then.
    await reloadUntil(page, 'the cancellation notice', async () => (await page.locator('#cancel-notice').count()) === 1);
    expect(await page.textContent('#subscription-status')).toBe('trialing');
    const trialEnd = await page.textContent('#trial-end');
    expect(await page.textContent('#cancel-notice')).toContain(`ends on ${trialEnd}`);
    expect(await page.textContent('#access')).toBe('on');

    // Past the trial's end: Loops ends the subscription, the gateway sends customer.subscription.deleted.
    const events = await advanceClock(15 * DAY);
    expect(events.map((event) => event.type)).toContain('subscription.canceled');
    await untilText(page, '#access', 'off');
    expect(await page.textContent('#subscription-status')).toBe('canceled');
    expect(await page.textContent('#recorded-status')).toBe('canceled');

    const stripe = example.stripe();
    const subscription = await stripe.subscriptions.retrieve(subscriptionId);
    expect(subscription.status).toBe('canceled');
    // One customer.subscription.deleted for it, which the app has (its 2xx is recorded just after it answers).
    const deletedEvents = async () =>
      (await stripe.events.list({ type: 'customer.subscription.deleted' })).data.filter(
        (event) => (event.data.object as { id?: string }).id === subscriptionId,
      );
    await waitFor(async () => (await deletedEvents())[0]?.pending_webhooks === 0, 10_000, 'the delivery recorded');
    expect(await deletedEvents()).toHaveLength(1);
    await context.close();
  }, 120_000);

  it('a trial that is not canceled turns into a paid subscription, and the app lists the paid invoice', async () => {
    const context = await browser.newContext();
    const page = await subscribeWithTrial(context, 'starter_monthly', 'Starter', 'linus@example.com');

    const events = await advanceClock(15 * DAY);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['charge.succeeded', 'subscription.updated']));
    await untilText(page, '#subscription-status', 'active');
    await untilText(page, '#recorded-status', 'active');
    await reloadUntil(page, 'a paid $9.00 invoice', async () => {
      const rows = await page.locator('#invoices tr.invoice[data-status="paid"]').allTextContents();
      return rows.some((row) => row.includes('$9.00'));
    });
    expect(await page.textContent('#access')).toBe('on');
    await context.close();
  }, 120_000);
});
