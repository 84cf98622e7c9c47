import Stripe from 'stripe';
import { flushLoops, subscribeOnLoops, subscribeThroughGateway } from '../helpers/billing';
import { startStack, useStack } from '../helpers/stack';

/**
 * What subscriptions.update / cancel / list / search and invoices.list / retrieve accept, through
 * stripe-node (docs/stripe-billing-contract.md §6.2, §8): what Loops can do goes to Loops, the rest is a
 * 400 naming the parameter; lists filter and page as Stripe's do.
 */
describe('subscriptions and invoices: parameters, lists and search (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  const loopsView = async (id: string) => (await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json;

  describe('update', () => {
    let id: string;
    let itemId: string;
    let periodEnd: number;
    beforeAll(async () => {
      ({ subscription: id } = await subscribeThroughGateway(stack, stripe, {
        customer: (await stripe.customers.create({ email: 'params.update@example.com' })).id,
      }));
      const subscription = await stripe.subscriptions.retrieve(id);
      itemId = subscription.items.data[0]?.id ?? '';
      periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    });

    it('items[0][quantity] goes to Loops (charged from the next renewal); proration_behavior none is what Loops does', async () => {
      const updated = await stripe.subscriptions.update(id, { items: [{ id: itemId, quantity: 3 }], proration_behavior: 'none', off_session: true });
      expect(updated.items.data[0]).toMatchObject({ id: itemId, quantity: 3, price: { id: 'price_pro_monthly' } });
      expect(await loopsView(id)).toMatchObject({ quantity: 3, amount: 2700 });
    });

    it.each([
      ['another price', { items: [{ id: 'si_placeholder', price: 'price_mug' }] }, 'items[0][price]'],
      ['a second item', { items: [{ price: 'price_pro_monthly', quantity: 1 }] }, 'items[0][price]'],
      ['two items', { items: [{ quantity: 1 }, { quantity: 2 }] }, 'items[1]'],
      ['a deleted item', { items: [{ id: 'si_placeholder', deleted: true }] }, 'items[0][deleted]'],
      ['quantity 0', { items: [{ id: 'si_placeholder', quantity: 0 }] }, 'items[0][quantity]'],
      ['prorations', { items: [{ id: 'si_placeholder', quantity: 2 }], proration_behavior: 'create_prorations' }, 'proration_behavior'],
      ['a new billing cycle anchor', { billing_cycle_anchor: { type: 'now' } }, 'billing_cycle_anchor'],
      ['a pause', { pause_collection: { behavior: 'void' } }, 'pause_collection'],
      ['ending the trial', { trial_end: 'now' }, 'trial_end'],
      ['a discount', { discounts: [{ coupon: 'SAVE' }] }, 'discounts'],
      ['another payment method', { default_payment_method: 'pm_1' }, 'default_payment_method'],
      ['send_invoice', { collection_method: 'send_invoice', days_until_due: 3 }, 'collection_method'],
    ] as const)('%s is refused by name, and nothing changes', async (_what, params, param) => {
      const before = await loopsView(id);
      const body = JSON.parse(JSON.stringify(params).replaceAll('si_placeholder', itemId)) as Stripe.SubscriptionUpdateParams;
      await expect(stripe.subscriptions.update(id, body)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param });
      expect(await loopsView(id)).toEqual(before);
    });

    it('accepts what asks for nothing Loops lacks: billing_cycle_anchor unchanged, an empty pause_collection, automatic_tax off', async () => {
      const updated = await stripe.subscriptions.update(id, {
        billing_cycle_anchor: { type: 'unchanged' } as unknown as Stripe.SubscriptionUpdateParams.BillingCycleAnchor,
        pause_collection: '',
        automatic_tax: { enabled: false },
      });
      expect(updated.status).toBe('active');
    });

    it('an unknown item id is resource_missing on items[0][id]; an unknown parameter is parameter_unknown', async () => {
      await expect(stripe.subscriptions.update(id, { items: [{ id: 'si_not_this_one', quantity: 2 }] })).rejects.toMatchObject({
        code: 'resource_missing',
        param: 'items[0][id]',
      });
      await expect(stripe.subscriptions.update(id, { coupon: 'SAVE' } as Stripe.SubscriptionUpdateParams)).rejects.toMatchObject({
        code: 'parameter_unknown',
        param: 'coupon',
      });
    });

    it('metadata merges as Stripe merges it and replaces the set in Loops', async () => {
      await stripe.subscriptions.update(id, { metadata: { a: '1', b: '2' } });
      const updated = await stripe.subscriptions.update(id, { metadata: { a: '', c: '3' } });
      expect(updated.metadata).toEqual({ b: '2', c: '3' });
      expect((await loopsView(id)).metadata).toEqual({ b: '2', c: '3' });
    });

    it('cancel_at: only the period end (shown as cancel_at alone), empty takes it back; any other time is refused', async () => {
      await expect(stripe.subscriptions.update(id, { cancel_at: periodEnd - 3600 })).rejects.toMatchObject({ statusCode: 400, param: 'cancel_at' });
      const scheduled = await stripe.subscriptions.update(id, { cancel_at: periodEnd });
      expect(scheduled).toMatchObject({ cancel_at: periodEnd, cancel_at_period_end: false, status: 'active' });
      expect((await loopsView(id)).cancel_at_period_end).toBe(true);
      const resumed = await stripe.subscriptions.update(id, { cancel_at: '' });
      expect(resumed).toMatchObject({ cancel_at: null, cancel_at_period_end: false, canceled_at: null });
      expect((await loopsView(id)).cancel_at_period_end).toBe(false);
      await expect(stripe.subscriptions.update(id, { cancel_at: periodEnd, cancel_at_period_end: false })).rejects.toMatchObject({
        code: 'parameters_exclusive',
      });
    });

    it('once canceled only metadata and cancellation_details change (kept by the gateway), with their updated event', async () => {
      const { subscription: ended } = await subscribeThroughGateway(stack, stripe, {
        customer: (await stripe.customers.create({ email: 'params.ended@example.com' })).id,
      });
      await stripe.subscriptions.cancel(ended);
      await expect(stripe.subscriptions.update(ended, { cancel_at_period_end: true })).rejects.toMatchObject({
        statusCode: 400,
        code: 'invalid_canceled_subscription_fields',
        message: 'A canceled subscription can only update its cancellation_details and metadata.',
      });
      const updated = await stripe.subscriptions.update(ended, {
        metadata: { note: 'refunded by hand' },
        cancellation_details: { comment: 'moved' },
      });
      expect(updated).toMatchObject({ status: 'canceled', metadata: { note: 'refunded by hand' }, cancellation_details: { comment: 'moved' } });
      expect((await stripe.subscriptions.retrieve(ended)).metadata).toEqual({ note: 'refunded by hand' });
      const events = await stripe.events.list({ type: 'customer.subscription.updated', limit: 100 });
      const change = events.data.find((event) => (event.data.object as Stripe.Subscription).id === ended);
      expect(change?.data.previous_attributes).toMatchObject({ metadata: {}, cancellation_details: { comment: null } });
      expect(change?.request?.id).toBe(updated.lastResponse.requestId);
    });

    it('cancel refuses invoice_now and prorate (Loops neither invoices nor refunds), by name', async () => {
      await expect(stripe.subscriptions.cancel(id, { invoice_now: true })).rejects.toMatchObject({ statusCode: 400, param: 'invoice_now' });
      await expect(stripe.subscriptions.cancel(id, { prorate: true })).rejects.toMatchObject({ statusCode: 400, param: 'prorate' });
      expect((await loopsView(id)).status).toBe('active');
    });
  });

  it('unknown or malformed ids are 404 resource_missing on id', async () => {
    for (const id of ['sub_does_not_exist', 'not-an-id', 'sub_'.padEnd(300, 'x')]) {
      await expect(stripe.subscriptions.retrieve(id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    }
    await expect(stripe.invoices.retrieve('in_does_not_exist')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
    await expect(stripe.subscriptions.retrieve('sub_x', { expand: ['data.customer'] })).rejects.toMatchObject({ statusCode: 400, param: 'expand' });
  });

  describe('lists and search', () => {
    let customer: string;
    const ids: string[] = [];
    let canceled: string;

    beforeAll(async () => {
      customer = (await stripe.customers.create({ email: 'params.lists@example.com' })).id;
      // Newest first, as Stripe lists.
      for (let i = 0; i < 3; i++) ids.unshift((await subscribeThroughGateway(stack, stripe, { customer })).subscription);
      canceled = (await subscribeThroughGateway(stack, stripe, { customer })).subscription;
      await stripe.subscriptions.cancel(canceled);
      await stripe.subscriptions.update(ids[0] ?? '', { metadata: { tier: 'gold' } });
      await stripe.subscriptions.update(ids[2] ?? '', { metadata: { tier: 'gold' } });
      await flushLoops(stack);
    });

    it('status: the default leaves canceled ones out; all, ended and canceled as Stripe has them', async () => {
      const ofStatus = async (status?: Stripe.SubscriptionListParams.Status) =>
        (await stripe.subscriptions.list({ customer, ...(status ? { status } : {}) }).autoPagingToArray({ limit: 50 })).map((s) => s.id);
      expect(await ofStatus()).toEqual(ids);
      expect(await ofStatus('active')).toEqual(ids);
      expect(await ofStatus('all')).toEqual([canceled, ...ids]);
      expect(await ofStatus('ended')).toEqual([canceled]);
      expect(await ofStatus('canceled')).toEqual([canceled]);
      expect(await ofStatus('past_due')).toEqual([]);
      expect(await ofStatus('incomplete_expired')).toEqual([]);
    });

    it('price and plan filter by the item’s price; created ranges; cursors both ways', async () => {
      const byPrice = await stripe.subscriptions.list({ customer, price: 'price_pro_monthly' }).autoPagingToArray({ limit: 50 });
      expect(byPrice.map((s) => s.id)).toEqual(ids);
      expect((await stripe.subscriptions.list({ plan: 'price_pro_monthly', customer })).data.map((s) => s.id)).toEqual(ids);
      expect((await stripe.subscriptions.list({ price: 'price_mug' })).data).toEqual([]);
      const forwards = await stripe.subscriptions.list({ customer, limit: 1 }).autoPagingToArray({ limit: 50 });
      expect(forwards.map((s) => s.id)).toEqual(ids);
      const backwards = await stripe.subscriptions.list({ customer, limit: 1, ending_before: ids[2] }).autoPagingToArray({ limit: 50 });
      expect(backwards.map((s) => s.id).sort()).toEqual([ids[0], ids[1]].sort());
      const created = (await stripe.subscriptions.retrieve(ids[1] ?? '')).created;
      const inRange = await stripe.subscriptions.list({ customer, created: { gte: created, lte: created } });
      expect(inRange.data.every((s) => s.created === created)).toBe(true);
      expect(inRange.data.map((s) => s.id)).toContain(ids[1]);
      expect((await stripe.subscriptions.list({ customer, created: { lt: created - 10_000 } })).data).toEqual([]);
      await expect(stripe.subscriptions.list({ starting_after: 'sub_not_a_subscription' })).rejects.toMatchObject({
        code: 'resource_missing',
        param: 'starting_after',
      });
    });

    it('expand on lists (data.latest_invoice, data.customer) and its four-level limit', async () => {
      const listed = await stripe.subscriptions.list({ customer, limit: 1, expand: ['data.latest_invoice', 'data.customer'] });
      expect(listed.data[0]?.latest_invoice).toMatchObject({ object: 'invoice', status: 'paid' });
      expect(listed.data[0]?.customer).toMatchObject({ id: customer, object: 'customer' });
      await expect(stripe.subscriptions.list({ expand: ['data.items.data.price.product'] })).rejects.toMatchObject({ param: 'expand' });
    });

    it('search: status and metadata, paged with next_page', async () => {
      const gold = await stripe.subscriptions
        .search({ query: "status:'active' AND metadata['tier']:'gold'", limit: 1 })
        .autoPagingToArray({ limit: 50 });
      expect(gold.map((s) => s.id)).toEqual([ids[0], ids[2]]);
      const page = await stripe.subscriptions.search({ query: "metadata['tier']:'gold'", limit: 1 });
      expect(page).toMatchObject({ object: 'search_result', has_more: true, next_page: expect.any(String), url: '/v1/subscriptions/search' });
      expect((await stripe.subscriptions.search({ query: "status:'canceled'" })).data.map((s) => s.id)).toContain(canceled);
      await expect(stripe.subscriptions.search({ query: "customer:'x'" })).rejects.toMatchObject({ statusCode: 400, param: 'query' });
      await expect(stripe.subscriptions.search({ query: "status:'active'", page: 'page_tampered' })).rejects.toMatchObject({ param: 'page' });
    });

    it('invoices: list by customer, subscription and status, newest first, paged; line items', async () => {
      const all = await stripe.invoices.list({ customer, limit: 2 }).autoPagingToArray({ limit: 50 });
      expect(all).toHaveLength(4);
      expect(all.every((invoice) => invoice.customer === customer && invoice.status === 'paid')).toBe(true);
      const ofOne = await stripe.invoices.list({ subscription: ids[1] });
      expect(ofOne.data).toHaveLength(1);
      expect(ofOne.data[0]?.parent?.subscription_details?.subscription).toBe(ids[1]);
      expect((await stripe.invoices.list({ customer, status: 'open' })).data).toEqual([]);
      expect((await stripe.invoices.list({ customer, status: 'paid', limit: 100 })).data).toHaveLength(4);
      const lines = await stripe.invoices.listLineItems(ofOne.data[0]?.id ?? '');
      expect(lines.data).toEqual([expect.objectContaining({ object: 'line_item', amount: 900, quantity: 1 })]);
      await expect(stripe.invoices.list({ starting_after: 'in_not_an_invoice' })).rejects.toMatchObject({ param: 'starting_after' });
    });
  });

  it('an expanded customer comes from the customer directory when one is wired in (a stub without)', async () => {
    const lookups: string[] = [];
    const wired = await startStack({
      memory: true,
      container: {
        customers: {
          get: async (tenantId, id, version) => {
            lookups.push(`${tenantId}/${id}/${version}`);
            return id === 'cus_in_directory' ? { id, object: 'customer', name: 'From the directory' } : undefined;
          },
        },
      },
    });
    try {
      const client = wired.stripe({ maxNetworkRetries: 0 });
      const { subscription } = await subscribeOnLoops(wired, { externalCustomerId: 'cus_in_directory' });
      const expanded = await client.subscriptions.retrieve(subscription, { expand: ['customer', 'latest_invoice.customer'] });
      expect(expanded.customer).toEqual({ id: 'cus_in_directory', object: 'customer', name: 'From the directory' });
      expect((expanded.latest_invoice as Stripe.Invoice).customer).toEqual({
        id: 'cus_in_directory',
        object: 'customer',
        name: 'From the directory',
      });
      expect(lookups).toEqual(['default/cus_in_directory/2026-10-28.endive', 'default/cus_in_directory/2026-10-28.endive']);
      const { subscription: unknown } = await subscribeOnLoops(wired, { externalCustomerId: 'cus_not_in_directory' });
      expect((await client.subscriptions.retrieve(unknown, { expand: ['customer'] })).customer).toMatchObject({
        id: 'cus_not_in_directory',
        object: 'customer',
        email: 'grace@example.com',
        name: null,
      });
    } finally {
      await wired.close();
    }
  });

  it('with LOOPS_CONTRACT.subscriptions off, every subscription and invoice call is a clear 400 and Loops’ subscription webhooks are ignored', async () => {
    const off = await startStack({ memory: true, container: { billingContract: { subscriptions: false } } });
    try {
      const client = off.stripe({ maxNetworkRetries: 0 });
      for (const call of [
        () => client.subscriptions.list(),
        () => client.subscriptions.retrieve('sub_anything'),
        () => client.subscriptions.update('sub_anything', { metadata: { a: 'b' } }),
        () => client.subscriptions.cancel('sub_anything'),
        () => client.subscriptions.search({ query: "status:'active'" }),
        () => client.invoices.list(),
        () => client.invoices.retrieve('in_anything'),
      ]) {
        await expect(call()).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('LOOPS_CONTRACT.subscriptions') });
      }
      // Loops' subscription webhooks are ignored: nothing is announced, Loops is not asked.
      await subscribeOnLoops(off, { externalCustomerId: 'cus_switched_off' });
      const announced = await client.events.list({ limit: 100 });
      expect(announced.data.filter((event) => /^(customer\.subscription|invoice)\./.test(event.type))).toEqual([]);
      expect(
        (await off.loops.admin('GET', '/_emulator/stats')).json.requests.filter((r: { path: string }) => r.path.includes('subscriptions')),
      ).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
