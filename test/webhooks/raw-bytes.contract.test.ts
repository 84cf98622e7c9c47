import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import { TEST_KEYS, useStack } from '../helpers/stack';

const sign = (body: Buffer, t: number) =>
  createHmac('sha256', TEST_KEYS.loopsWebhook)
    .update(Buffer.concat([Buffer.from(`${t}.`), body]))
    .digest('hex');

/**
 * docs/loops-contract.md §5: the signature covers the exact bytes Loops sent, so the gateway verifies those
 * bytes whatever the Content-Type says (or when it is missing), and never text a decoder repaired.
 */
describe('Loops webhooks are verified on the raw bytes', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(async () => {
    stripe = stack.stripe();
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
  });

  const paidEvent = async (id: string): Promise<{ session: Stripe.Checkout.Session; json: string }> => {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    const loops = await stack.loops.api('GET', `/api/v3/checkout/sessions/${session.id}`);
    const data = { object: { ...loops.json, payment_status: 'paid' } };
    return {
      session,
      json: JSON.stringify({ id, object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), data }),
    };
  };
  const post = (body: Buffer, headers: Record<string, string>) => {
    const t = Math.floor(Date.now() / 1000);
    return fetch(`${stack.url}/webhooks/loops`, { method: 'POST', headers: { ...headers, 'x-loops-signature': `t=${t},v1=${sign(body, t)}` }, body });
  };

  it.each([
    ['without a Content-Type', {}],
    ['with a non-JSON Content-Type', { 'content-type': 'text/plain; charset=latin1' }],
  ])('accepts a correctly signed event sent %s', async (_name, headers) => {
    const { session, json } = await paidEvent(`evt_raw_${Object.keys(headers).length}`);
    const response = await post(Buffer.from(json), headers);
    expect([response.status, await response.json()]).toEqual([200, { received: true, outcome: 'processed' }]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
  });

  it('a byte changed after signing (even one a UTF-8 decoder would repair the same way) is refused', async () => {
    const { session, json } = await paidEvent('evt_raw_tampered');
    const signed = Buffer.from(json.replace('"object":"event"', '"object":"event","note":"\xff"'), 'latin1');
    const tampered = Buffer.from(signed);
    tampered[signed.indexOf(0xff)] = 0xfe;
    const t = Math.floor(Date.now() / 1000);
    const response = await fetch(`${stack.url}/webhooks/loops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-loops-signature': `t=${t},v1=${sign(signed, t)}` },
      body: tampered,
    });
    expect(response.status).toBe(400);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });
});
