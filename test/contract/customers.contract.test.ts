import Stripe from 'stripe';
import fixture from '../fixtures/customer.json';
import deletedFixture from '../fixtures/deleted_customer.json';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { TEST_KEYS, useStack } from '../helpers/stack';

/**
 * The customer directory through the official stripe package (issue 11 "Customers"): what
 * vercel/nextjs-subscription-payments does (retrieve, falling back to list by email, then create;
 * update with name, phone and address), search, delete, the `customer.*` events, and a checkout
 * that names a customer.
 */
describe('customers (stripe-node)', () => {
  let stripe: Stripe;
  let receiver: MerchantReceiver;

  beforeAll(async () => {
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
  });
  const stack = useStack(() => ({ env: { WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook } }));
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterAll(async () => {
    await receiver.close();
  });

  const eventsOf = async (id: string) =>
    (await stripe.events.list({ type: 'customer.*', limit: 100 })).data.filter((e) => (e.data.object as { id: string }).id === id);

  it('a new customer has every field of Stripe’s customer object, nulls included', async () => {
    const customer = await stripe.customers.create();
    expect(Object.keys(customer).sort()).toEqual(Object.keys(fixture).sort());
    expect(customer).toMatchObject({
      object: 'customer',
      address: null,
      balance: 0,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    });
    expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{24}$/);
    expect(customer.invoice_prefix).toMatch(/^[0-9A-F]{8}$/);
    expect(Math.abs(customer.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it('runs the vercel/nextjs-subscription-payments flow: retrieve → list by email → create → update → search → delete', async () => {
    const email = 'flow.user@example.com';
    // The app first tries the id it has stored; an unknown one is Stripe's 404.
    await expect(stripe.customers.retrieve('cus_NotAnyoneYet0001')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_NotAnyoneYet0001'",
    });
    expect((await stripe.customers.list({ email })).data).toEqual([]);
    const created = await stripe.customers.create({ email, metadata: { supabaseUUID: 'uuid-1' } });
    expect(created).toMatchObject({ email, metadata: { supabaseUUID: 'uuid-1' } });
    const listed = await stripe.customers.list({ email });
    expect(listed.data.map((c) => c.id)).toEqual([created.id]);
    expect(listed.url).toBe('/v1/customers');
    expect(await stripe.customers.retrieve(created.id)).toEqual(created);

    const address = { line1: '1 Main St', line2: null, city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US' };
    // stripe-node sends `line2: ''` for an empty line, which clears it.
    const updated = await stripe.customers.update(created.id, { name: 'Flow User', phone: '+15551234567', address: { ...address, line2: '' } });
    expect(updated).toMatchObject({ id: created.id, name: 'Flow User', phone: '+15551234567', address, email });

    const found = await stripe.customers.search({ query: `email:'${email}'` });
    expect(found).toMatchObject({ object: 'search_result', has_more: false, next_page: null, url: '/v1/customers/search' });
    expect(found.data.map((c) => c.id)).toEqual([created.id]);
    const byName = await stripe.customers.search({ query: "name:'flow user' AND metadata['supabaseUUID']:'uuid-1'" });
    expect(byName.data.map((c) => c.id)).toEqual([created.id]);

    const deleted = await stripe.customers.del(created.id);
    expect({ ...deleted, lastResponse: undefined }).toEqual({ ...deletedFixture, id: created.id, lastResponse: undefined });
    // A deleted customer retrieves as the stub, with 200; it leaves list and search.
    const afterwards = await stripe.customers.retrieve(created.id);
    expect(afterwards).toMatchObject({ id: created.id, object: 'customer', deleted: true });
    expect(Object.keys(afterwards).filter((k) => k !== 'lastResponse')).toEqual(['id', 'object', 'deleted']);
    expect((await stripe.customers.list({ email })).data).toEqual([]);
    expect((await stripe.customers.search({ query: `email:'${email}'` })).data).toEqual([]);
    // Not a customer any more: updates are refused; a second delete answers the stub again.
    await expect(stripe.customers.update(created.id, { name: 'Ghost' })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect(await stripe.customers.del(created.id)).toMatchObject({ id: created.id, deleted: true });

    // One event per change, recorded with it: created, updated (old values of what changed), deleted (last snapshot).
    const events = await eventsOf(created.id);
    expect(events.map((e) => e.type)).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    const [deletedEvent, updatedEvent, createdEvent] = events;
    expect(createdEvent?.data.object).toMatchObject({ id: created.id, email, metadata: { supabaseUUID: 'uuid-1' } });
    expect(createdEvent?.data.previous_attributes).toBeUndefined();
    expect(updatedEvent?.data.previous_attributes).toEqual({ name: null, phone: null, address: null });
    expect(updatedEvent?.data.object).toMatchObject({ name: 'Flow User', address });
    expect(deletedEvent?.data.object).toMatchObject({ id: created.id, object: 'customer', email, name: 'Flow User', phone: '+15551234567' });
    expect(createdEvent?.request).toMatchObject({ id: expect.stringMatching(/^req_/), idempotency_key: expect.any(String) });

    // The same events reach the merchant's endpoint, signed, through the durable delivery.
    await receiver.waitFor((accepted) => accepted.filter((e) => (e.data.object as { id: string }).id === created.id).length === 3);
    const delivered = receiver.accepted().filter((e) => (e.data.object as { id: string }).id === created.id);
    expect(delivered.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it('makes one customer for an SDK retry of the same create (Idempotency-Key), and records one event', async () => {
    const params = { email: 'retry@example.com', name: 'Retry' };
    const first = await stripe.customers.create(params, { idempotencyKey: 'customer-create-retry-1' });
    const second = await stripe.customers.create(params, { idempotencyKey: 'customer-create-retry-1' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list({ email: params.email })).data.map((c) => c.id)).toEqual([first.id]);
    expect((await eventsOf(first.id)).map((e) => e.type)).toEqual(['customer.created']);
  });

  it('lands every one of many concurrent updates (compare-and-set), none fails, each with its event', async () => {
    const customer = await stripe.customers.create({ email: 'busy@example.com' });
    const client = stack.stripe({ maxNetworkRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client.customers.update(customer.id, { metadata: { [`k${i}`]: String(i) } })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const final = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(Object.keys(final.metadata)).toHaveLength(20);
    expect((await eventsOf(customer.id)).filter((e) => e.type === 'customer.updated')).toHaveLength(20);
  });

  describe('list and search', () => {
    const ids: string[] = [];
    let tag: string;

    beforeAll(async () => {
      tag = `t${Date.now()}`;
      for (let i = 0; i < 7; i++) {
        const customer = await stripe.customers.create({
          email: i === 3 ? `Case.${tag}@Example.com` : `user${i}.${tag}@example.com`,
          name: i % 2 === 0 ? `Even ${i}` : `Odd ${i}`,
          metadata: { tag, parity: i % 2 === 0 ? 'even' : 'odd' },
        });
        ids.unshift(customer.id); // newest first, as Stripe lists
      }
    });

    it('lists newest first with cursors both ways and a truthful has_more', async () => {
      const forwards = await stripe.customers.list({ limit: 3 }).autoPagingToArray({ limit: 1000 });
      expect(forwards.slice(0, 7).map((c) => c.id)).toEqual(ids);
      const page = await stripe.customers.list({ limit: 2, starting_after: ids[4] });
      expect([page.data.map((c) => c.id), page.has_more]).toEqual([ids.slice(5, 7), true]);
      const backwards = await stripe.customers.list({ limit: 2, ending_before: ids[6] }).autoPagingToArray({ limit: 1000 });
      expect(backwards.slice(-6).map((c) => c.id)).toEqual(ids.slice(0, 6).reverse());
      await expect(stripe.customers.list({ starting_after: 'cus_NoSuchCursor000' })).rejects.toMatchObject({
        statusCode: 400,
        code: 'resource_missing',
        param: 'starting_after',
      });
    });

    it('filters by email exactly (case-sensitive) and by created', async () => {
      expect((await stripe.customers.list({ email: `Case.${tag}@Example.com` })).data.map((c) => c.id)).toEqual([ids[3]]);
      expect((await stripe.customers.list({ email: `case.${tag}@example.com` })).data).toEqual([]);
      const third = (await stripe.customers.retrieve(ids[2] ?? '')) as Stripe.Customer;
      const since = await stripe.customers.list({ created: { gte: third.created }, limit: 100 });
      expect(since.data.map((c) => c.id)).toEqual(expect.arrayContaining(ids.slice(0, 3)));
      expect(since.data.every((c) => c.created >= third.created)).toBe(true);
      expect((await stripe.customers.list({ created: { lt: 1 } })).data).toEqual([]);
    });

    it('searches by email (case-insensitively), name and metadata with AND, and pages with next_page', async () => {
      expect((await stripe.customers.search({ query: `email:'case.${tag}@example.com'` })).data.map((c) => c.id)).toEqual([ids[3]]);
      const odd = await stripe.customers.search({ query: `metadata['tag']:'${tag}' AND metadata['parity']:'odd'` });
      expect(odd.data.map((c) => c.id)).toEqual(ids.filter((_, i) => (6 - i) % 2 === 1));
      const pages: Stripe.ApiSearchResult<Stripe.Customer>[] = [];
      let next: string | undefined;
      do {
        const result = await stripe.customers.search({ query: `metadata['tag']:'${tag}'`, limit: 3, ...(next ? { page: next } : {}) });
        pages.push(result);
        next = result.next_page ?? undefined;
        expect(result.has_more).toBe(result.next_page !== null);
      } while (next);
      expect(pages.flatMap((p) => p.data.map((c) => c.id))).toEqual(ids);
      const auto = await stripe.customers.search({ query: `name~'odd' AND metadata['tag']:'${tag}'`, limit: 1 }).autoPagingToArray({ limit: 100 });
      expect(auto.map((c) => c.id)).toEqual(ids.filter((_, i) => (6 - i) % 2 === 1));
    });

    it('refuses a malformed query or page with a 400 naming it', async () => {
      await expect(stripe.customers.search({ query: "colour:'red'" })).rejects.toMatchObject({ statusCode: 400, param: 'query' });
      await expect(stripe.customers.search({ query: "email:'a@b.c'", page: 'page_bm90LWpzb24' })).rejects.toMatchObject({
        statusCode: 400,
        param: 'page',
      });
      await expect(stripe.customers.search({ query: "email:'a@b.c'", limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: 'limit' });
    });
  });

  describe('checkout with a customer', () => {
    it('sends an existing customer’s id and email to Loops, and expands to the full customer', async () => {
      const customer = await stripe.customers.create({ email: 'buyer.checkout@example.com', name: 'Buyer' });
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [{ price: 'price_mug', quantity: 1 }],
        expand: ['customer'],
      });
      expect(session.customer).toEqual(customer);
      // Stripe echoes the parameters: with `customer`, `customer_email` stays null.
      const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] });
      expect(retrieved.customer_email).toBeNull();
      expect(retrieved.customer).toEqual(await stripe.customers.retrieve(customer.id));
      expect((await stripe.checkout.sessions.retrieve(session.id)).customer).toBe(customer.id);
      const listed = await stripe.checkout.sessions.list({ customer: customer.id, expand: ['data.customer'] });
      expect(listed.data.map((s) => (s.customer as Stripe.Customer).email)).toEqual(['buyer.checkout@example.com']);

      const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`);
      expect(loops.json).toMatchObject({ customer: customer.id, externalCustomerId: customer.id, customer_email: 'buyer.checkout@example.com' });

      // Deleted since: the expansion is the deleted stub, as Stripe's `Customer | DeletedCustomer`.
      await stripe.customers.del(customer.id);
      expect((await stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] })).customer).toEqual({
        id: customer.id,
        object: 'customer',
        deleted: true,
      });
    });

    it.each([
      ['unknown', async () => 'cus_UnknownCustomer01'],
      ['deleted', async () => (await stripe.customers.del((await stripe.customers.create()).id)).id],
      ['malformed', async () => 'not a customer id'],
    ])('refuses an %s customer with 400 resource_missing on `customer`, making nothing in Loops', async (_what, idOf) => {
      const id = await idOf();
      const before = (await stack.loops.admin('GET', '/_emulator/stats')).json;
      await expect(
        stripe.checkout.sessions.create({
          mode: 'payment',
          customer: id,
          // A price_data item would make a Loops product: the customer is checked first.
          line_items: [{ price_data: { currency: 'usd', unit_amount: 4321, product_data: { name: `Never made ${id}` } }, quantity: 1 }],
        }),
      ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer', message: `No such customer: '${id}'` });
      const after = (await stack.loops.admin('GET', '/_emulator/stats')).json;
      expect([after.sessionsCreated, after.productsCreated]).toEqual([before.sessionsCreated, before.productsCreated]);
    });
  });

  describe('versions and parameters', () => {
    it('treats coupon as unknown from basil on and refuses it before; business_name exists from clover on', async () => {
      const old = new Stripe(TEST_KEYS.gateway, { host: '127.0.0.1', port: stack.port, protocol: 'http', apiVersion: '2024-06-20' as never });
      await expect(stripe.customers.create({ coupon: 'SAVE' } as never)).rejects.toMatchObject({ code: 'parameter_unknown', param: 'coupon' });
      await expect(old.customers.create({ coupon: 'SAVE' } as never)).rejects.toMatchObject({ statusCode: 400, param: 'coupon' });
      await expect(old.customers.create({ business_name: 'Acme' })).rejects.toMatchObject({ code: 'parameter_unknown', param: 'business_name' });
      const named = await stripe.customers.create({ business_name: 'Acme Ltd', individual_name: 'Ann' });
      expect(named).toMatchObject({ business_name: 'Acme Ltd', individual_name: 'Ann' });
      const seenBefore = (await old.customers.retrieve(named.id)) as Stripe.Customer;
      expect('business_name' in seenBefore || 'individual_name' in seenBefore).toBe(false);
      const cleared = await stripe.customers.update(named.id, { business_name: '' });
      expect('business_name' in cleared).toBe(false);
    });

    it('refuses what Loops cannot carry out, naming the parameter; clears fields with an empty value', async () => {
      for (const [params, param] of [
        [{ balance: 500 }, 'balance'],
        [{ payment_method: 'pm_card_visa' }, 'payment_method'],
        [{ invoice_settings: { default_payment_method: 'pm_1' } }, 'invoice_settings[default_payment_method]'],
        [{ tax_id_data: [{ type: 'eu_vat', value: 'DE123' }] }, 'tax_id_data'],
      ] as const) {
        await expect(stripe.customers.create(params as Stripe.CustomerCreateParams)).rejects.toMatchObject({ statusCode: 400, param });
      }
      const customer = await stripe.customers.create({
        balance: 0,
        email: 'clear@example.com',
        name: 'Clear',
        shipping: { name: 'Clear', address: { city: 'X' } },
      });
      const cleared = await stripe.customers.update(customer.id, { name: '', shipping: '' as never, metadata: { a: '1' } });
      expect(cleared).toMatchObject({ name: null, shipping: null, email: 'clear@example.com', metadata: { a: '1' } });
      expect((await stripe.customers.update(customer.id, { metadata: '' as never })).metadata).toEqual({});
    });

    it('expands sources and tax_ids to empty lists and refuses subscriptions', async () => {
      const customer = await stripe.customers.create({ expand: ['sources', 'tax_ids'] });
      expect(customer.sources).toEqual({ object: 'list', data: [], has_more: false, url: `/v1/customers/${customer.id}/sources` });
      expect(customer.tax_ids).toMatchObject({ object: 'list', data: [] });
      await expect(stripe.customers.retrieve(customer.id, { expand: ['subscriptions.data.plan'] })).rejects.toMatchObject({
        statusCode: 400,
        param: 'expand',
        message: expect.stringContaining('subscriptions'),
      });
      expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).not.toHaveProperty('sources');
    });
  });
});
