import Stripe from 'stripe';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/** Pays on the emulator's hosted page as a customer would, choosing the adjustable item's quantity. */
async function payWithQuantity(pageUrl: string, quantity: number): Promise<void> {
  const html = await (await fetch(pageUrl)).text();
  const form = /<form method="post" action="([^"]+)">(?:(?!<\/form>).)*<input type="number" id="quantity-\d+" name="([^"]+)"/s.exec(html);
  if (!form?.[1] || !form[2]) throw new Error('no quantity input on the hosted page');
  const response = await fetch(new URL(form[1], pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${form[2]}=${quantity}`,
    redirect: 'manual',
  });
  if (response.status !== 303 && response.status !== 200) throw new Error(`Pay answered ${response.status}`);
}

/**
 * `adjustable_quantity`: Loops reports only the total it charged, so the gateway reads the final
 * quantity of the (one) adjustable item back from it; retrieve, line items and the event agree.
 */
describe('adjustable quantity (stripe-node)', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  const create = () =>
    stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price: 'price_tshirt', quantity: 2, adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 } },
        { price: 'price_mug', quantity: 1 },
      ],
    });

  const completedEvent = async (sessionId: string) => {
    let found: Stripe.Event | undefined;
    await waitFor(async () => {
      const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
      found = events.data.find((event) => (event.data.object as { id: string }).id === sessionId);
      return found !== undefined;
    });
    return found?.data.object as Stripe.Checkout.Session;
  };

  it('the customer’s quantity from the Loops page reaches retrieve, the line items and the completed event (via the webhook)', async () => {
    const session = await create();
    expect(session.amount_total).toBe(2 * 2000 + 1250);
    await payWithQuantity(session.url ?? '', 4);

    const event = await completedEvent(session.id);
    expect(event).toMatchObject({ status: 'complete', amount_total: 4 * 2000 + 1250, amount_subtotal: 4 * 2000 + 1250 });
    expect(event.line_items?.data.map((item) => [item.price?.id, item.quantity, item.amount_total])).toEqual([
      ['price_tshirt', 4, 8000],
      ['price_mug', 1, 1250],
    ]);
    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(retrieved).toMatchObject({ status: 'complete', payment_status: 'paid', amount_total: 9250 });
    expect(retrieved.line_items?.data[0]).toMatchObject({ quantity: 4, amount_subtotal: 8000, amount_total: 8000 });
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((item) => item.quantity)).toEqual([4, 1]);
  });

  it('a retrieve right after payment, before any Loops webhook, already shows the final quantity', async () => {
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
    try {
      const session = await create();
      await payWithQuantity(session.url ?? '', 7);
      const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
      expect(retrieved).toMatchObject({ status: 'complete', amount_total: 7 * 2000 + 1250 });
      expect(retrieved.line_items?.data.map((item) => item.quantity)).toEqual([7, 1]);
      expect((await completedEvent(session.id)).line_items?.data[0]?.quantity).toBe(7);
    } finally {
      await stack.loops.admin('PUT', '/_emulator/webhooks', {
        targets: [{ url: `${stack.url}/webhooks/loops`, secret: TEST_KEYS.loopsWebhook }],
      });
    }
  });

  it('refuses a second adjustable item, an adjustable free price and a quantity outside the bounds, naming the parameter', async () => {
    const adjustable = { enabled: true };
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { price: 'price_tshirt', quantity: 1, adjustable_quantity: adjustable },
          { price: 'price_mug', quantity: 1, adjustable_quantity: adjustable },
        ],
      }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'line_items[1][adjustable_quantity]',
      message: expect.stringContaining('one line item per session'),
    });
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          { price_data: { currency: 'usd', unit_amount: 0, product_data: { name: 'Sticker' } }, quantity: 1, adjustable_quantity: adjustable },
        ],
      }),
    ).rejects.toMatchObject({ param: 'line_items[0][adjustable_quantity]', message: expect.stringContaining('free price') });
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_tshirt', quantity: 12, adjustable_quantity: { enabled: true, maximum: 10 } }],
      }),
    ).rejects.toMatchObject({ param: 'line_items[0][quantity]' });
  });
});
