import { Cluster } from 'ioredis';
import type Stripe from 'stripe';
import { tenantKeys } from '../../src/store/keys';
import { advance, emulatorNow, expectEventCounts, subscribeThroughGateway } from '../helpers/billing';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startRedisCluster, type RedisClusterProcess } from '../helpers/redis-cluster';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';

/**
 * Subscriptions and invoices on a real 3-node Redis Cluster (REDIS_CLUSTER_NODES only): the
 * subscription write script touches the subscription, its invoices, every index and the event
 * log at once, which Redis Cluster allows only within one hash slot, the tenant's.
 */
describe('subscriptions on a 3-node Redis Cluster (stripe-node)', () => {
  let cluster: RedisClusterProcess | undefined;
  let receiver: MerchantReceiver | undefined;
  let stack: Stack;
  let stripe: Stripe;
  let inspect: Cluster;
  let prefix: string;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    stack = await startStack({
      omitRedisUrl: true,
      env: { REDIS_CLUSTER_NODES: cluster.seeds, WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      emulator: { webhookRetryDelaysMs: [100, 200, 400] },
    });
    stripe = stack.stripe({ maxNetworkRetries: 0 });
    inspect = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    const config = stack.container.config.redis;
    if (config.kind !== 'cluster') throw new Error(`expected a cluster configuration, got ${config.kind}`);
    prefix = config.keyPrefix;
  }, 120_000);

  afterAll(async () => {
    await stack?.close().catch(() => undefined);
    await receiver?.close().catch(() => undefined);
    await inspect?.quit().catch(() => inspect.disconnect());
    await cluster?.stop();
  }, 60_000);

  it('a subscription’s life (renewal, update, cancel) runs, lists and searches on the cluster, each event once', async () => {
    const customer = (await stripe.customers.create({ email: 'cluster.sub@example.com' })).id;
    const { subscription: id } = await subscribeThroughGateway(stack, stripe, { customer });
    const first = await stripe.subscriptions.retrieve(id);
    expect(first.status).toBe('active');
    const end = first.items.data[0]?.current_period_end ?? 0;
    await advance(stack, end - (await emulatorNow(stack)).now + 1);
    await stripe.subscriptions.update(id, { metadata: { tier: 'gold' } });
    expect((await stripe.subscriptions.list({ customer })).data.map((s) => s.id)).toEqual([id]);
    expect((await stripe.subscriptions.search({ query: "metadata['tier']:'gold'" })).data.map((s) => s.id)).toEqual([id]);
    expect((await stripe.invoices.list({ subscription: id })).data.map((i) => i.billing_reason)).toEqual([
      'subscription_cycle',
      'subscription_create',
    ]);
    const canceled = await stripe.subscriptions.cancel(id);
    expect(canceled.status).toBe('canceled');

    const expected = {
      'customer.subscription.created': 1,
      'customer.subscription.updated': 2,
      'customer.subscription.deleted': 1,
      'invoice.created': 2,
      'invoice.finalized': 2,
      'invoice.paid': 2,
      'invoice.payment_succeeded': 2,
      'charge.succeeded': 2,
    };
    await expectEventCounts(receiver as MerchantReceiver, id, customer, expected);
  });

  it('every subscription and invoice key of the tenant sits in the tenant’s slot', async () => {
    const slotOf = async (key: string) => Number(await inspect.cluster('KEYSLOT', key));
    const tenantSlot = await slotOf(tenantKeys(prefix, 'default').eventIndex);
    const masters = inspect.nodes('master');
    const keys = (await Promise.all(masters.map((node) => node.keys(`${prefix}:{default}:*`)))).flat();
    const billing = keys.filter((key) => /:(subscription|subscriptions|invoice|invoices)(:|$)/.test(key));
    expect(billing.length).toBeGreaterThan(10);
    expect(new Set(await Promise.all(billing.map(slotOf)))).toEqual(new Set([tenantSlot]));
  });
});
