import Stripe from 'stripe';
import { type Stack, startStack, useStack } from '../helpers/stack';

describe('checkout.sessions retrieve / update / list / expire / listLineItems (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe();
  });

  const createSession = (params: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
    stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 1 }], ...params });

  it('retrieves a session, with line_items only when expanded', async () => {
    const created = await createSession({ metadata: { a: '1' } });
    const plain = await stripe.checkout.sessions.retrieve(created.id);
    expect(plain).toMatchObject({ id: created.id, status: 'open', metadata: { a: '1' }, amount_total: 2000 });
    expect(plain).not.toHaveProperty('line_items');
    const expanded = await stripe.checkout.sessions.retrieve(created.id, { expand: ['line_items'] });
    expect(expanded.line_items).toMatchObject({ object: 'list', has_more: false, url: `/v1/checkout/sessions/${created.id}/line_items` });
    expect(expanded.line_items?.data[0]?.price?.id).toBe('price_tshirt');
  });

  it('reflects Loops’ state on retrieve: a session paid in Loops is complete and paid', async () => {
    const created = await createSession({ customer_email: 'payer@example.com' });
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${created.id}/complete`)).status).toBe(200);
    const paid = await stripe.checkout.sessions.retrieve(created.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
    expect(paid.customer_details?.email).toBe('payer@example.com');
  });

  it('updates metadata with Stripe’s merge rules and tells Loops', async () => {
    const created = await createSession({ metadata: { keep: 'k', drop: 'd', change: 'old' } });
    const updated = await stripe.checkout.sessions.update(created.id, { metadata: { drop: '', change: 'new', added: 'a' } });
    expect(updated.metadata).toEqual({ keep: 'k', change: 'new', added: 'a' });
    expect((await stripe.checkout.sessions.retrieve(created.id)).metadata).toEqual({ keep: 'k', change: 'new', added: 'a' });
    const loops = await stack.loops.api('GET', `/api/v2/checkout/sessions/${created.id}`);
    expect(loops.json.metadata).toEqual({ keep: 'k', change: 'new', added: 'a' });
    const cleared = await stripe.checkout.sessions.update(created.id, { metadata: '' as unknown as Stripe.MetadataParam });
    expect(cleared.metadata).toEqual({});
  });

  it('expires an open session, in Loops too, and refuses to expire it again', async () => {
    const created = await createSession();
    const expired = await stripe.checkout.sessions.expire(created.id);
    expect(expired).toMatchObject({ id: created.id, status: 'expired', payment_status: 'unpaid', url: null });
    const loops = await stack.loops.api('GET', `/api/v2/checkout/sessions/${created.id}`);
    expect(loops.json.status).toBe('EXPIRED');
    const again = stripe.checkout.sessions.expire(created.id);
    await expect(again).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(again).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('status of "expired"') });
  });

  it('refuses to expire a session Loops has already completed, and shows it complete', async () => {
    const created = await createSession();
    await stack.loops.admin('POST', `/_emulator/sessions/${created.id}/complete`);
    await expect(stripe.checkout.sessions.expire(created.id)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      message: expect.stringContaining('"complete"'),
    });
    expect((await stripe.checkout.sessions.retrieve(created.id)).status).toBe('complete');
  });

  it('pages line items with cursors in both directions', async () => {
    const created = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: Array.from({ length: 7 }, (_, i) => ({ price: i % 2 ? 'price_mug' : 'price_poster', quantity: i + 1 })),
    });
    const all = await stripe.checkout.sessions.listLineItems(created.id, { limit: 3 }).autoPagingToArray({ limit: 100 });
    expect(all.map((item) => item.quantity)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const page = await stripe.checkout.sessions.listLineItems(created.id, { limit: 2, starting_after: all[1]?.id });
    expect(page.data.map((item) => item.quantity)).toEqual([3, 4]);
    expect(page.has_more).toBe(true);
    const before = await stripe.checkout.sessions.listLineItems(created.id, { limit: 2, ending_before: all[4]?.id });
    expect(before.data.map((item) => item.quantity)).toEqual([3, 4]);
    expect(before.has_more).toBe(true);
    const backwards = await stripe.checkout.sessions
      .listLineItems(created.id, { limit: 2, ending_before: all[6]?.id })
      .autoPagingToArray({ limit: 100 });
    expect(backwards.map((item) => item.quantity)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  describe('list', () => {
    let listStack: Stack;
    let client: Stripe;
    const ids: string[] = [];
    let customerA: string;

    beforeAll(async () => {
      listStack = await startStack();
      client = listStack.stripe();
      // A session names a customer of the directory or an email, never both (Stripe refuses that).
      customerA = (await client.customers.create({ email: 'a@example.com' })).id;
      const customerB = (await client.customers.create({ email: 'b@example.com' })).id;
      for (let i = 0; i < 12; i++) {
        const session = await client.checkout.sessions.create({
          mode: 'payment',
          line_items: [{ price: 'price_mug', quantity: 1 }],
          ...(i % 3 === 0 ? { customer: customerA } : i % 3 === 1 ? { customer: customerB } : { customer_email: 'three@example.com' }),
        });
        ids.unshift(session.id); // newest first, as Stripe lists
      }
      await client.checkout.sessions.expire(ids[0] ?? '');
      await listStack.loops.admin('POST', `/_emulator/sessions/${ids[1]}/complete`);
      await client.checkout.sessions.retrieve(ids[1] ?? '');
    });
    afterAll(() => listStack.close());

    it('lists newest first with a truthful has_more and the default limit of 10', async () => {
      const page = await client.checkout.sessions.list();
      expect(page.object).toBe('list');
      expect(page.url).toBe('/v1/checkout/sessions');
      expect(page.data.map((s) => s.id)).toEqual(ids.slice(0, 10));
      expect(page.has_more).toBe(true);
      const last = await client.checkout.sessions.list({ starting_after: ids[9] });
      expect(last.data.map((s) => s.id)).toEqual(ids.slice(10));
      expect(last.has_more).toBe(false);
    });

    it('auto-paginates forwards and, from ending_before, backwards', async () => {
      const forwards = await client.checkout.sessions.list({ limit: 5 }).autoPagingToArray({ limit: 100 });
      expect(forwards.map((s) => s.id)).toEqual(ids);
      const backwards = await client.checkout.sessions.list({ limit: 4, ending_before: ids[11] }).autoPagingToArray({ limit: 100 });
      expect(backwards.map((s) => s.id)).toEqual(ids.slice(0, 11).reverse());
    });

    it('filters by status, customer, customer_details[email] and created', async () => {
      expect((await client.checkout.sessions.list({ status: 'expired' })).data.map((s) => s.id)).toEqual([ids[0]]);
      expect((await client.checkout.sessions.list({ status: 'complete' })).data.map((s) => s.id)).toEqual([ids[1]]);
      const ofA = await client.checkout.sessions.list({ customer: customerA, limit: 2 }).autoPagingToArray({ limit: 100 });
      expect(ofA.map((s) => s.id)).toEqual(ids.filter((_, i) => (11 - i) % 3 === 0));
      const byEmail = await client.checkout.sessions.list({ customer_details: { email: 'three@example.com' } });
      expect(byEmail.data.map((s) => s.id)).toEqual(ids.filter((_, i) => (11 - i) % 3 === 2));
      const created = (await client.checkout.sessions.retrieve(ids[5] ?? '')).created;
      const since = await client.checkout.sessions.list({ created: { gte: created }, limit: 100 });
      expect(since.data.every((s) => s.created >= created)).toBe(true);
      expect(await client.checkout.sessions.list({ created: { lt: created - 100000 } })).toMatchObject({ data: [], has_more: false });
    });

    it('expands data.line_items on lists', async () => {
      const page = await client.checkout.sessions.list({ limit: 2, expand: ['data.line_items'] });
      expect(page.data[0]?.line_items?.data[0]?.price?.id).toBe('price_mug');
    });

    it('rejects a cursor that names no session, and both cursors at once', async () => {
      await expect(client.checkout.sessions.list({ starting_after: 'cs_nope' })).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        code: 'resource_missing',
        param: 'starting_after',
      });
      await expect(client.checkout.sessions.list({ starting_after: ids[1], ending_before: ids[3] })).rejects.toMatchObject({
        code: 'parameters_exclusive',
      });
    });
  });
});
