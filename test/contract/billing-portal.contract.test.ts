import Stripe from 'stripe';
import configurationFixture from '../fixtures/billing_portal.configuration.json';
import sessionFixture from '../fixtures/billing_portal.session.json';
import { TEST_KEYS, useStack } from '../helpers/stack';

/**
 * The billing portal through the official stripe package (issue 12; docs/stripe-billing-contract.md §9):
 * vercel/nextjs-subscription-payments' `billingPortal.sessions.create({customer, return_url})` and
 * nextjs/saas-starter's `configurations.list()` → `create(...)` when empty → `sessions.create({customer,
 * return_url, configuration})`; the session's `url` opens Loops' portal page with the customer's
 * subscription; configurations CRUD and events.
 */
describe('billing portal (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  /** A customer with a subscription, made as a merchant's checkout makes it. */
  async function subscriber(email: string): Promise<{ customer: string; subscription: string }> {
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] });
    const completed = await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`, { email });
    const retrieved = await stripe.checkout.sessions.retrieve(session.id);
    if (typeof retrieved.customer !== 'string') throw new Error('the completed session should name its customer');
    return { customer: retrieved.customer, subscription: completed.json.subscription as string };
  }

  /**
   * Portal sessions Loops was asked for since `since` (an ISO time). Only that endpoint is counted:
   * a subscriber's checkout ends with webhooks whose handling may read Loops a moment later.
   */
  async function portalSessionRequestsSince(since: string): Promise<unknown[]> {
    const requests = (await stack.loops.admin('GET', '/_emulator/stats')).json.requests as { path: string; at: string }[];
    return requests.filter((request) => request.path.startsWith('/api/v3/customer-portal/sessions') && request.at >= since);
  }

  it('sessions.create answers Stripe’s object with Loops’ portal URL, which shows the customer’s subscription', async () => {
    const { customer, subscription } = await subscriber('portal.user@example.com');
    const portal = await stripe.billingPortal.sessions.create({ customer, return_url: 'https://saas.example/account' });
    expect(Object.keys(portal).sort()).toEqual(Object.keys(sessionFixture).sort());
    expect(portal).toMatchObject({
      object: 'billing_portal.session',
      customer,
      return_url: 'https://saas.example/account',
      livemode: false,
      locale: null,
      on_behalf_of: null,
      flow: null,
      customer_account: null,
    });
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url.startsWith(stack.emulator.url)).toBe(true);
    expect(Math.abs(portal.created - Date.now() / 1000)).toBeLessThan(60);

    const page = await fetch(portal.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`id="${subscription}"`);
    expect(html).toContain('data-status="active"');
    expect(html).toContain('href="https://saas.example/account"');

    // The default configuration was made for it, and is what the session names.
    const defaults = await stripe.billingPortal.configurations.list({ is_default: true });
    expect(defaults.data.map((c) => c.id)).toEqual([portal.configuration]);
    const [recorded] = (await stripe.events.list({ type: 'billing_portal.session.created', limit: 1 })).data;
    expect(recorded?.data.object).toMatchObject({ id: portal.id, customer });
  });

  it('a retried create (same Idempotency-Key) gets the same Loops portal session', async () => {
    const { customer } = await subscriber('retry.user@example.com');
    const params = { customer, return_url: 'https://saas.example/account' };
    const first = await stripe.billingPortal.sessions.create(params, { idempotencyKey: 'portal-retry-1' });
    const since = new Date().toISOString();
    const second = await stripe.billingPortal.sessions.create(params, { idempotencyKey: 'portal-retry-1' });
    expect(second.id).toBe(first.id);
    expect(second.url).toBe(first.url);
    expect(await portalSessionRequestsSince(since)).toEqual([]);
  });

  it('runs saas-starter’s flow: list configurations (the default is there), name it in sessions.create', async () => {
    const { customer } = await subscriber('starter.user@example.com');
    const configurations = await stripe.billingPortal.configurations.list();
    expect(configurations.data.length).toBeGreaterThan(0);
    const configuration = configurations.data[0] as Stripe.BillingPortal.Configuration;
    expect(Object.keys(configuration).sort()).toEqual(Object.keys(configurationFixture).sort());
    expect(configuration).toMatchObject({
      object: 'billing_portal.configuration',
      is_default: true,
      active: true,
      features: {
        subscription_cancel: { enabled: true, proration_behavior: 'none', cancellation_reason: { enabled: false } },
        subscription_update: { enabled: false },
        payment_method_update: { enabled: false },
      },
    });
    const portal = await stripe.billingPortal.sessions.create({
      customer,
      return_url: 'https://saas.example/dashboard',
      configuration: configuration.id,
    });
    expect(portal.configuration).toBe(configuration.id);
    const expanded = await stripe.billingPortal.sessions.create({
      customer,
      return_url: 'https://saas.example/dashboard',
      expand: ['configuration'],
    });
    expect(expanded.configuration).toMatchObject({ id: configuration.id, object: 'billing_portal.configuration' });
  });

  it('configurations CRUD: create (features required), retrieve, update with its event, list with filters and cursors', async () => {
    await expect(stripe.billingPortal.configurations.create({} as Stripe.BillingPortal.ConfigurationCreateParams)).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_missing',
      param: 'features',
    });
    // saas-starter's create.
    const created = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'Manage your subscription' },
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price', 'quantity', 'promotion_code'],
          proration_behavior: 'create_prorations',
          products: [{ product: 'prod_pro', prices: ['price_pro_monthly'] }],
        },
        subscription_cancel: {
          enabled: true,
          mode: 'at_period_end',
          cancellation_reason: { enabled: true, options: ['too_expensive', 'missing_features', 'switched_service', 'unused', 'other'] },
        },
        payment_method_update: { enabled: true },
      },
    });
    expect(created).toMatchObject({
      object: 'billing_portal.configuration',
      is_default: false,
      active: true,
      business_profile: { headline: 'Manage your subscription', privacy_policy_url: null, terms_of_service_url: null },
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ['price', 'quantity', 'promotion_code'],
          products: [{ product: 'prod_pro', prices: ['price_pro_monthly'], adjustable_quantity: { enabled: false, maximum: null, minimum: 1 } }],
        },
        subscription_cancel: { enabled: true, mode: 'at_period_end', cancellation_reason: { enabled: true } },
        customer_update: { enabled: false, allowed_updates: [] },
      },
      metadata: {},
      name: null,
    });
    expect(created.id).toMatch(/^bpc_/);
    expect(await stripe.billingPortal.configurations.retrieve(created.id)).toEqual(created);
    // `features.subscription_pause` is absent from 2024-04-10 until 2026-10-28.endive (docs/stripe-billing-contract.md §12).
    expect(created.features.subscription_pause).toEqual({ enabled: false, duration: { type: 'indefinite', interval_options: [] } });
    const inVersion = async (version: string) =>
      (await (
        await fetch(`${stack.url}/v1/billing_portal/configurations/${created.id}`, {
          headers: { authorization: `Bearer ${TEST_KEYS.gateway}`, 'stripe-version': version },
        })
      ).json()) as { features: Record<string, unknown> };
    expect(Object.keys((await inVersion('2024-06-20')).features)).not.toContain('subscription_pause');
    expect(Object.keys((await inVersion('2023-10-16')).features)).toContain('subscription_pause');

    const updated = await stripe.billingPortal.configurations.update(created.id, {
      name: 'Starter',
      default_return_url: 'https://saas.example/back',
      metadata: { plan: 'starter' },
      features: { subscription_cancel: { mode: 'immediately' } },
    });
    expect(updated).toMatchObject({
      name: 'Starter',
      default_return_url: 'https://saas.example/back',
      metadata: { plan: 'starter' },
      features: { subscription_cancel: { enabled: true, mode: 'immediately', cancellation_reason: { enabled: true } } },
    });
    const events = (await stripe.events.list({ type: 'billing_portal.configuration.*', limit: 10 })).data.filter(
      (e) => (e.data.object as { id: string }).id === created.id,
    );
    expect(events.map((e) => e.type)).toEqual(['billing_portal.configuration.updated', 'billing_portal.configuration.created']);
    expect(events[0]?.data.previous_attributes).toMatchObject({ name: null, default_return_url: null, metadata: {} });
    // An update that changes nothing records nothing.
    await stripe.billingPortal.configurations.update(created.id, { name: 'Starter' });
    expect(
      (await stripe.events.list({ type: 'billing_portal.configuration.updated', limit: 10 })).data.filter(
        (e) => (e.data.object as { id: string }).id === created.id,
      ),
    ).toHaveLength(1);

    const inactive = await stripe.billingPortal.configurations.update(created.id, { active: false });
    expect(inactive.active).toBe(false);
    const active = await stripe.billingPortal.configurations.list({ active: true, limit: 100 });
    expect(active.data.map((c) => c.id)).not.toContain(created.id);
    expect((await stripe.billingPortal.configurations.list({ active: false })).data.map((c) => c.id)).toEqual([created.id]);
    expect((await stripe.billingPortal.configurations.list({ is_default: false, limit: 100 })).data.every((c) => !c.is_default)).toBe(true);
    const paged = await stripe.billingPortal.configurations.list({ limit: 1 });
    expect(paged).toMatchObject({ object: 'list', url: '/v1/billing_portal/configurations', has_more: true });
    const next = await stripe.billingPortal.configurations.list({ limit: 1, starting_after: paged.data[0]?.id });
    expect(next.data[0]?.id).not.toBe(paged.data[0]?.id);
    await expect(stripe.billingPortal.configurations.retrieve('bpc_NotAnyConfig000001')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(stripe.billingPortal.configurations.list({ starting_after: 'bpc_NotAnyConfig000001' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'starting_after',
    });
  });

  it('refuses what Loops’ portal cannot honour, naming it, before asking Loops', async () => {
    const { customer } = await subscriber('refused.user@example.com');
    const broad = await stripe.billingPortal.configurations.create({
      features: {
        subscription_update: { enabled: true, products: [{ product: 'prod_pro', prices: ['price_pro_monthly'] }] },
        subscription_cancel: { enabled: true },
      },
    });
    const since = new Date().toISOString();
    const refusals: [Stripe.BillingPortal.SessionCreateParams, Record<string, unknown>][] = [
      [
        { customer, return_url: 'https://x.example', configuration: broad.id },
        { param: 'configuration', message: expect.stringContaining('`subscription_update` is enabled') },
      ],
      [
        { customer, return_url: 'https://x.example', flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: 'sub_1' } } },
        { param: 'flow_data', message: expect.stringContaining('deep links') },
      ],
      [{ customer, return_url: 'https://x.example', on_behalf_of: 'acct_1' }, { param: 'on_behalf_of' }],
      [{ customer }, { param: 'return_url', code: 'parameter_missing' }],
      [
        { customer: 'cus_NoSuchCustomer0001', return_url: 'https://x.example' },
        { param: 'customer', code: 'resource_missing' },
      ],
      [{ return_url: 'https://x.example' }, { param: 'customer', code: 'parameter_missing' }],
      [
        { customer, return_url: 'https://x.example', configuration: 'bpc_NotAnyConfig000001' },
        { param: 'configuration', code: 'resource_missing' },
      ],
    ];
    for (const [params, error] of refusals) {
      await expect(stripe.billingPortal.sessions.create(params)).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        statusCode: 400,
        ...error,
      });
    }
    expect(await portalSessionRequestsSince(since)).toEqual([]);
    await expect(
      stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } }, login_page: { enabled: true } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'login_page',
    });
    const [defaultConfiguration] = (await stripe.billingPortal.configurations.list({ is_default: true })).data;
    await expect(stripe.billingPortal.configurations.update(defaultConfiguration?.id ?? '', { active: false })).rejects.toMatchObject({
      statusCode: 400,
      param: 'active',
    });
  });

  it('without return_url, the configuration’s default_return_url is used', async () => {
    const { customer } = await subscriber('default.return@example.com');
    const [defaultConfiguration] = (await stripe.billingPortal.configurations.list({ is_default: true })).data;
    await stripe.billingPortal.configurations.update(defaultConfiguration?.id ?? '', { default_return_url: 'https://saas.example/home' });
    const portal = await stripe.billingPortal.sessions.create({ customer });
    expect(portal.return_url).toBe('https://saas.example/home');
    expect(await (await fetch(portal.url)).text()).toContain('href="https://saas.example/home"');
    await stripe.billingPortal.configurations.update(defaultConfiguration?.id ?? '', { default_return_url: '' });
  });
});
