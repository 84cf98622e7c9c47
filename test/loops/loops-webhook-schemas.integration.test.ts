import { LOOPS_CONTRACT } from '../../src/loops/contract-choices';
import { loopsV3SessionSchema } from '../../src/loops/loops-schemas';
import {
  loopsEventSchema,
  loopsFailedChargeSchema,
  loopsSubscriptionSchema,
  LOOPS_SUBSCRIPTION_EVENT_OBJECTS,
  parseSubscriptionEventObject,
  type LoopsSubscriptionEventType,
} from '../../src/loops/loops-webhook-schemas';
import { verifyLoopsSignature } from '../../src/loops/verify-webhook-signature';
import { MONTHLY_PRODUCT, startHarness, type Harness } from '../emulator/support/harness';
import { startWebhookReceiver, type WebhookReceiver } from '../emulator/support/webhook-receiver';

const SECRET = 'whsec_client_schemas';

/**
 * The gateway's webhook schemas against what the emulator really sends for §8.4: every event of a
 * subscription's life verifies with the gateway's signature check and parses with its schemas.
 */
describe('Loops webhook schemas for subscriptions (docs/loops-contract.md §8.4)', () => {
  let h: Harness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({ webhooks: [{ url: receiver.url, secret: SECRET }], webhookRetryDelaysMs: [] });
    await h.seedProduct(MONTHLY_PRODUCT);
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('created, declined, retried, canceled: every event verifies and parses', async () => {
    const session = (
      await h.api('POST', '/api/v3/checkout/sessions', { mode: 'subscription', productId: MONTHLY_PRODUCT.id, externalCustomerId: 'cust_1' })
    ).body;
    const completed = (await h.admin('POST', `/_emulator/sessions/${session.id}/complete`, { email: 'a@example.com' })).body;
    const subscription = (await h.api('GET', `/api/v3/subscriptions/${completed.subscription}`)).body;
    await h.admin('POST', `/_emulator/subscriptions/${subscription.id}/fail-next-charge`, { times: 5 });
    const { now } = (await h.admin('GET', '/_emulator/clock')).body;
    await h.admin('POST', '/_emulator/clock/advance', { seconds: subscription.current_period_end - now + 4 * 86_400 });
    await h.admin('POST', '/_emulator/webhooks/flush');

    const events = receiver.received.map((hook) => {
      const check = verifyLoopsSignature(hook.raw, hook.headers[LOOPS_CONTRACT.webhookSignatureHeader.toLowerCase()] as string, {
        secret: SECRET,
        toleranceSeconds: LOOPS_CONTRACT.webhookToleranceSeconds,
        encoding: LOOPS_CONTRACT.webhookDigestEncoding,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      expect(check).toEqual({ ok: true });
      return loopsEventSchema.parse(JSON.parse(hook.raw.toString('utf8')));
    });
    expect(events.map((event) => event.type).sort()).toEqual(
      [
        'checkout.session.completed',
        'charge.succeeded',
        'subscription.created',
        'charge.failed',
        'subscription.updated',
        'charge.failed',
        'charge.failed',
        'charge.failed',
        'subscription.canceled',
      ].sort(),
    );

    for (const event of events) {
      if (event.type === 'checkout.session.completed') {
        expect(loopsV3SessionSchema.parse(event.data.object)).toMatchObject({
          subscription: subscription.id,
          customer_details: { email: 'a@example.com' },
        });
        continue;
      }
      const type = event.type as LoopsSubscriptionEventType;
      expect(Object.keys(LOOPS_SUBSCRIPTION_EVENT_OBJECTS)).toContain(type);
      const object = parseSubscriptionEventObject(type, event.data.object);
      expect(object.id).toMatch(type.startsWith('charge.') ? /^ch_/ : /^sub_/);
    }
    const canceled = parseSubscriptionEventObject(
      'subscription.canceled',
      events.find((event) => event.type === 'subscription.canceled')!.data.object,
    );
    expect(canceled).toMatchObject({ status: 'canceled', checkout_session: session.id });
    const failed = events.filter((event) => event.type === 'charge.failed').map((event) => loopsFailedChargeSchema.parse(event.data.object));
    expect(failed.map((charge) => [charge.status, charge.subscription, charge.checkout_session, charge.failure_message])).toEqual(
      Array.from({ length: 4 }, () => ['failed', subscription.id, null, 'Your card was declined.']),
    );
    // What the translation table reads of subscription.created today still parses.
    expect(loopsSubscriptionSchema.parse(events.find((event) => event.type === 'subscription.created')!.data.object)).toMatchObject({
      id: subscription.id,
      checkout_session: session.id,
    });
  });

  it('a renewal: charge.succeeded names the subscription and no checkout session, then subscription.updated', async () => {
    await h.admin('POST', '/_emulator/reset');
    await h.seedProduct(MONTHLY_PRODUCT);
    receiver.received.length = 0;
    const session = (await h.api('POST', '/api/v3/checkout/sessions', { mode: 'subscription', productId: MONTHLY_PRODUCT.id })).body;
    const sub = (await h.admin('POST', `/_emulator/sessions/${session.id}/complete`)).body.subscription;
    const end = (await h.api('GET', `/api/v3/subscriptions/${sub}`)).body.current_period_end;
    const { now } = (await h.admin('GET', '/_emulator/clock')).body;
    const run = (await h.admin('POST', '/_emulator/clock/advance', { seconds: end - now })).body;
    const renewal = run.events.map((e: { id: string }) => receiver.received.find((hook) => hook.event.id === e.id)!.event);
    const charge = parseSubscriptionEventObject('charge.succeeded', renewal[0].data.object);
    expect(charge).toMatchObject({ status: 'succeeded', subscription: sub, checkout_session: null, amount: 1500, created: end });
    expect(parseSubscriptionEventObject('subscription.updated', renewal[1].data.object)).toMatchObject({
      status: 'active',
      current_period_start: end,
      latest_charge: charge.id,
    });
  });

  it('a charge.failed without its subscription, or a subscription event in another shape, is refused', () => {
    const charge = {
      id: 'ch_1',
      amount: 100,
      currency: 'usd',
      status: 'failed',
      subscription: 'sub_1',
      failure_message: 'declined',
      checkout_session: null,
    };
    expect(parseSubscriptionEventObject('charge.failed', charge).subscription).toBe('sub_1');
    expect(() => parseSubscriptionEventObject('charge.failed', { ...charge, subscription: null })).toThrow();
    expect(() => parseSubscriptionEventObject('charge.failed', { ...charge, status: 'succeeded' })).toThrow();
    expect(() => parseSubscriptionEventObject('subscription.updated', { id: 'sub_1', object: 'subscription', status: 'active' })).toThrow();
  });
});
