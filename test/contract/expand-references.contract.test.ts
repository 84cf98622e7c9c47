import Stripe from 'stripe';
import { useStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/**
 * Expanding id fields whose objects Loops does not provide renders stubs in Stripe's shape, so a
 * list page expanding `data.payment_intent` keeps working after the first payment; and prices keep
 * their own `created` in every session.
 */
describe('expand of payment_intent / customer, and price objects (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  it('a paid session’s payment_intent expands to a stub and its customer to the customer, on retrieve and on a list page', async () => {
    const customer = await stripe.customers.create({ name: 'Stub Test' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ price: 'price_tshirt', quantity: 2 }],
    });
    const open = await stripe.checkout.sessions.retrieve(session.id, { expand: ['customer', 'payment_intent'] });
    expect(open.payment_intent).toBeNull();
    expect(open.customer).toEqual(customer);

    await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    await waitFor(async () => (await stripe.checkout.sessions.retrieve(session.id)).status === 'complete');
    const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      object: 'payment_intent',
      amount: 4000,
      amount_received: 4000,
      currency: 'usd',
      customer: customer.id,
      status: 'succeeded',
      livemode: false,
      payment_method_types: ['card'],
      latest_charge: null,
      payment_method: null,
    });
    expect(intent.id).toMatch(/^pi_/);

    const page = await stripe.checkout.sessions.list({ limit: 3, expand: ['data.payment_intent', 'data.customer'] });
    const listed = page.data.find((s) => s.id === session.id);
    expect(listed?.payment_intent).toMatchObject({ id: intent.id, object: 'payment_intent' });
    expect(listed?.customer).toMatchObject({ id: customer.id, object: 'customer', name: 'Stub Test' });
    // Unexpanded, the fields stay ids.
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBe(intent.id);
  });

  it('a mapped price shows the same `created` in every session and in prices.retrieve', async () => {
    const first = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_mug', quantity: 1 }],
      expand: ['line_items'],
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_mug', quantity: 1 }],
      expand: ['line_items'],
    });
    expect(second.created).toBeGreaterThan(first.created);
    const createdOf = (s: Stripe.Checkout.Session) => s.line_items?.data[0]?.price?.created;
    expect(createdOf(second)).toBe(createdOf(first));
    expect(createdOf(first)).toBe((await stripe.prices.retrieve('price_mug')).created);
  });

  it('a price_data price takes its Loops product’s creation time, the same in every session', async () => {
    const adhoc = { currency: 'usd', unit_amount: 777, product_data: { name: 'Gift wrap' } };
    const first = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: adhoc, quantity: 1 }],
      expand: ['line_items.data.price.product'],
    });
    const firstAnsweredAt = Math.floor(Date.now() / 1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: adhoc, quantity: 1 }],
      expand: ['line_items'],
    });
    const price = first.line_items?.data[0]?.price;
    expect(second.line_items?.data[0]?.price?.id).toBe(price?.id);
    expect(second.line_items?.data[0]?.price?.created).toBe(price?.created);
    // The Loops product was made during the first create: after that request started (the
    // session's `created`), by the time it was answered, so before the second session. Both are
    // whole seconds, so the product may fall in the second after the session's own.
    expect(price?.created).toBeGreaterThanOrEqual(first.created);
    expect(price?.created).toBeLessThanOrEqual(firstAnsweredAt);
    expect(price?.created).toBeLessThan(second.created);
    expect((price?.product as Stripe.Product).created).toBe(price?.created);
  });
});
