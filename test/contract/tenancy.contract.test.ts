import Stripe from 'stripe';
import { useStack } from '../helpers/stack';

const ACME = 'sk_test_acme_tenant_key_00001';
const GLOBEX = 'sk_test_globex_tenant_key_0002';

/** One gateway, two merchants: neither can see or touch the other's sessions or keys. */
describe('tenant isolation (stripe-node)', () => {
  let acme: Stripe;
  let globex: Stripe;
  let acmeSession: Stripe.Checkout.Session;

  const stack = useStack({
    tenants: [
      { id: 'acme', apiKeys: [ACME] },
      { id: 'globex', apiKeys: [GLOBEX] },
    ],
  });
  beforeAll(async () => {
    acme = stack.stripe({ key: ACME, maxNetworkRetries: 0 });
    globex = stack.stripe({ key: GLOBEX, maxNetworkRetries: 0 });
    acmeSession = await acme.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] },
      { idempotencyKey: 'shared-key' },
    );
  });

  it('scopes idempotency keys per tenant: the same key elsewhere is a new request', async () => {
    const globexSession = await globex.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] },
      { idempotencyKey: 'shared-key' },
    );
    expect(globexSession.id).not.toBe(acmeSession.id);
    expect(globexSession.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('hides one tenant’s sessions from another’s retrieve, update, expire and line items', async () => {
    const notFound = { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' };
    await expect(globex.checkout.sessions.retrieve(acmeSession.id)).rejects.toMatchObject(notFound);
    await expect(globex.checkout.sessions.update(acmeSession.id, { metadata: { x: 'y' } })).rejects.toMatchObject(notFound);
    await expect(globex.checkout.sessions.expire(acmeSession.id)).rejects.toMatchObject(notFound);
    await expect(globex.checkout.sessions.listLineItems(acmeSession.id)).rejects.toMatchObject(notFound);
    const still = await acme.checkout.sessions.retrieve(acmeSession.id);
    expect(still).toMatchObject({ status: 'open', metadata: {} });
  });

  it('lists only the caller’s own sessions, and refuses another tenant’s id as a cursor', async () => {
    const globexIds = (await globex.checkout.sessions.list({ limit: 100 })).data.map((s) => s.id);
    expect(globexIds).not.toContain(acmeSession.id);
    expect((await acme.checkout.sessions.list({ limit: 100 })).data.map((s) => s.id)).toContain(acmeSession.id);
    await expect(globex.checkout.sessions.list({ starting_after: acmeSession.id })).rejects.toMatchObject({ code: 'resource_missing' });
  });
});
