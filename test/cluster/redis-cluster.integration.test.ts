import Redis, { Cluster } from 'ioredis';
import Stripe from 'stripe';
import { tenantKeys } from '../../src/store/keys';
import { QUEUE_NAME } from '../../src/webhooks/bullmq-delivery-queue';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process';
import { startMerchantReceiver, type MerchantReceiver } from '../helpers/merchant-receiver';
import { startRedisCluster, type RedisClusterProcess } from '../helpers/redis-cluster';
import { startStack, TEST_KEYS, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/**
 * The contract suite's core against a gateway whose only Redis is a real 3-node Redis Cluster
 * (REDIS_CLUSTER_NODES, no REDIS_URL): every multi-key command and Lua script of a tenant must
 * stay inside one hash slot, and BullMQ must run on the cluster too.
 */
describe('the gateway on a 3-node Redis Cluster (stripe-node)', () => {
  let cluster: RedisClusterProcess | undefined;
  let receiver: MerchantReceiver | undefined;
  let stack: Stack;
  let stripe: Stripe;
  let inspect: Cluster;
  let prefix: string;
  let gatewayProcess: GatewayProcess | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    receiver = await startMerchantReceiver(TEST_KEYS.stripeWebhook);
    stack = await startStack({
      omitRedisUrl: true,
      env: { REDIS_CLUSTER_NODES: cluster.seeds, WEBHOOK_ENDPOINTS: receiver.url, STRIPE_WEBHOOK_SECRET: TEST_KEYS.stripeWebhook },
      emulator: { webhookRetryDelaysMs: [100, 200, 400] },
    });
    stripe = stack.stripe();
    inspect = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    const config = stack.container.config.redis;
    if (config.kind !== 'cluster') throw new Error(`expected a cluster configuration, got ${config.kind}`);
    prefix = config.keyPrefix;
  }, 120_000);

  afterAll(async () => {
    // Each step on its own: a failure in one must not leave redis-server children running.
    if (gatewayProcess) {
      const running = gatewayProcess;
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 15_000);
      await running.kill('SIGTERM').finally(() => clearTimeout(timer));
    }
    await stack?.close().catch(() => undefined);
    await receiver?.close().catch(() => undefined);
    await inspect?.quit().catch(() => inspect.disconnect());
    await cluster?.stop();
  }, 60_000);

  const keys = () => tenantKeys(prefix, 'default');
  const sessionsCreated = async (): Promise<number> => (await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated;
  /** Create-session calls that reached Loops since `sinceMs`: a replay or a 409 makes none. */
  const loopsCreateCalls = async (sinceMs: number): Promise<number> =>
    (await stack.loops.admin('GET', '/_emulator/stats')).json.requests.filter(
      (r: { method: string; path: string; at: string }) =>
        r.method === 'POST' && r.path === '/api/v3/checkout/sessions' && Date.parse(r.at) >= sinceMs,
    ).length;
  const keyslot = async (key: string) => Number(await inspect.cluster('KEYSLOT', key));
  /** The master serving a slot, from CLUSTER SLOTS: [start, end, [host, port, id], …replicas]. */
  const ownerOf = async (slot: number) => {
    const ranges = await inspect.cluster('SLOTS');
    const master = ranges.find(([start, end]) => slot >= start && slot <= end)?.[2];
    if (!master) throw new Error(`no node serves slot ${slot}`);
    return { host: master[0], port: master[1] };
  };

  it('runs in ioredis Cluster mode on the three seeds, with no REDIS_URL', async () => {
    expect(stack.env.REDIS_URL).toBeUndefined();
    expect(stack.env.REDIS_CLUSTER_NODES).toBe(cluster?.seeds);
    expect(stack.container.redis).toBeInstanceOf(Cluster);
    expect(String(await inspect.cluster('INFO'))).toContain('cluster_known_nodes:3');
    expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
  });

  it('creates sessions for a mapped price and for price_data, retrieves with expand, updates metadata', async () => {
    const mapped = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 2 }],
      metadata: { keep: 'k', drop: 'd' },
      success_url: 'https://shop.example/success',
    });
    expect(mapped).toMatchObject({ object: 'checkout.session', status: 'open', amount_total: 4000, currency: 'usd' });
    const adhoc = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 1234, product_data: { name: 'Cluster tee' } }, quantity: 2 }],
      expand: ['line_items'],
    });
    expect(adhoc).toMatchObject({ amount_total: 2468, currency: 'eur' });
    expect(adhoc.line_items?.data[0]?.price?.id).toMatch(/^price_/);

    const retrieved = await stripe.checkout.sessions.retrieve(mapped.id, { expand: ['line_items'] });
    expect(retrieved).toMatchObject({ id: mapped.id, metadata: { keep: 'k', drop: 'd' } });
    expect(retrieved.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([['price_tshirt', 2]]);

    const updated = await stripe.checkout.sessions.update(mapped.id, { metadata: { drop: '', added: 'a' } });
    expect(updated.metadata).toEqual({ keep: 'k', added: 'a' });
    expect((await stripe.checkout.sessions.retrieve(mapped.id)).metadata).toEqual({ keep: 'k', added: 'a' });
    expect((await stack.loops.api('GET', `/api/v2/checkout/sessions/${mapped.id}`)).json.metadata).toEqual({ keep: 'k', added: 'a' });
  });

  it('lists with autoPagingToArray forwards and, from ending_before, backwards', async () => {
    const ids: string[] = [];
    const customer = (await stripe.customers.create({ email: 'cluster.list@example.com' })).id;
    for (let i = 0; i < 7; i++) {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: 'price_mug', quantity: 1 }],
        customer,
      });
      ids.unshift(session.id); // newest first, as Stripe lists
    }
    const forwards = await stripe.checkout.sessions.list({ customer, limit: 3 }).autoPagingToArray({ limit: 100 });
    expect(forwards.map((s) => s.id)).toEqual(ids);
    const unfiltered = await stripe.checkout.sessions.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(unfiltered.slice(0, 7).map((s) => s.id)).toEqual(ids);
    const backwards = await stripe.checkout.sessions.list({ customer, limit: 2, ending_before: ids[6] }).autoPagingToArray({ limit: 100 });
    expect(backwards.map((s) => s.id)).toEqual(ids.slice(0, 6).reverse());
  });

  it('expires a session (in Loops too) and pages line items with cursors', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: Array.from({ length: 5 }, (_, i) => ({ price: i % 2 ? 'price_mug' : 'price_poster', quantity: i + 1 })),
    });
    const items = await stripe.checkout.sessions.listLineItems(session.id, { limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(items.map((item) => item.quantity)).toEqual([1, 2, 3, 4, 5]);
    const page = await stripe.checkout.sessions.listLineItems(session.id, { limit: 2, starting_after: items[1]?.id });
    expect(page.data.map((item) => item.quantity)).toEqual([3, 4]);

    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    expect((await stack.loops.api('GET', `/api/v2/checkout/sessions/${session.id}`)).json.status).toBe('EXPIRED');
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ statusCode: 400 });
    // An expired session has left the expiry index, which shares the session's slot (Lua CAS).
    expect(await inspect.zscore(keys().openByExpiry, session.id)).toBeNull();
  });

  it('replays an idempotent create and converges concurrent duplicates on one Loops session', async () => {
    const params: Stripe.Checkout.SessionCreateParams = { mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 1 }] };
    const [before, since] = [await sessionsCreated(), Date.now()];
    const first = await stripe.checkout.sessions.create(params, { idempotencyKey: 'cluster-replay-1' });
    const second = await stripe.checkout.sessions.create(params, { idempotencyKey: 'cluster-replay-1' });
    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await sessionsCreated()) - before).toBe(1);
    expect(await loopsCreateCalls(since)).toBe(1);

    await stack.loops.admin('POST', '/_emulator/faults', {
      method: 'POST',
      path: '/api/v3/checkout/sessions',
      mode: 'latency',
      latencyMs: 300,
      times: 1,
    });
    const client = stack.stripe({ maxNetworkRetries: 5 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.checkout.sessions.create(params, { idempotencyKey: 'cluster-concurrent-1' })),
    );
    await stack.loops.admin('DELETE', '/_emulator/faults');
    expect(new Set(results.map((s) => s.id)).size).toBe(1);
    expect((await sessionsCreated()) - before).toBe(2);
    // The lock taken in Lua on the cluster held: the waiting duplicates replayed, Loops saw one create.
    expect(await loopsCreateCalls(since)).toBe(2);
  });

  it('keeps the customer directory (record, indexes, events) in the tenant’s slot: create, list, search, update, delete', async () => {
    const email = 'Cluster.Customer@example.com';
    const created = await stripe.customers.create({ email, name: 'Cluster', metadata: { plan: 'pro' } }, { idempotencyKey: 'cluster-customer-1' });
    expect((await stripe.customers.list({ email })).data.map((c) => c.id)).toEqual([created.id]);
    expect((await stripe.customers.search({ query: `email:'${email.toLowerCase()}' AND metadata['plan']:'pro'` })).data.map((c) => c.id)).toEqual([
      created.id,
    ]);
    const updates = await Promise.all(
      Array.from({ length: 5 }, (_, i) => stack.stripe({ maxNetworkRetries: 0 }).customers.update(created.id, { metadata: { [`k${i}`]: 'v' } })),
    );
    expect(updates).toHaveLength(5);
    expect(Object.keys(((await stripe.customers.retrieve(created.id)) as Stripe.Customer).metadata)).toHaveLength(6);
    const k = keys();
    const slots = await Promise.all(
      [
        k.customer(created.id),
        k.customerIndex,
        k.customersByEmail(email),
        k.customersByFoldedEmail(email.toLowerCase()),
        k.eventIndex,
        k.sessionIndex,
      ].map(keyslot),
    );
    expect(new Set(slots).size).toBe(1);
    expect(await inspect.zscore(k.customersByEmail(email), created.id)).not.toBeNull();
    expect(await stripe.customers.del(created.id)).toMatchObject({ id: created.id, deleted: true });
    // Deleted: out of every index, in the same script as its event.
    expect(await inspect.zscore(k.customerIndex, created.id)).toBeNull();
    expect(await inspect.exists(k.customersByEmail(email), k.customersByFoldedEmail(email.toLowerCase()))).toBe(0);
    const types = (await stripe.events.list({ type: 'customer.*', limit: 100 })).data
      .filter((e) => (e.data.object as { id: string }).id === created.id)
      .map((e) => e.type);
    expect(types).toEqual(['customer.deleted', ...Array.from({ length: 5 }, () => 'customer.updated'), 'customer.created']);
  });

  it('writes the catalog through the API on the cluster: product, price (its Loops product), archive, delete, with their events', async () => {
    const product = await stripe.products.create({ name: 'Cluster plan' });
    const price = await stripe.prices.create({
      product: product.id,
      unit_amount: 700,
      currency: 'usd',
      recurring: { interval: 'month' },
      lookup_key: 'cluster',
    });
    expect(
      (await stripe.prices.list({ lookup_keys: ['cluster'], expand: ['data.product'] })).data.map((p) => [p.id, (p.product as Stripe.Product).name]),
    ).toEqual([[price.id, 'Cluster plan']]);
    expect((await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }] })).amount_total).toBe(700);
    await stripe.prices.update(price.id, { active: false });
    await expect(stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }] })).rejects.toMatchObject({
      statusCode: 400,
    });
    const empty = await stripe.products.create({ name: 'Cluster leftover' });
    expect((await stripe.products.del(empty.id)).deleted).toBe(true);
    const types = (await stripe.events.list({ types: ['product.created', 'price.created', 'price.updated', 'product.deleted'], limit: 10 })).data.map(
      (e) => e.type,
    );
    expect(types).toEqual(['product.deleted', 'product.created', 'price.updated', 'price.created', 'product.created']);
    const k = keys();
    expect(await inspect.exists(k.catalogVersion, k.catalogTombstones, k.mappings, k.products)).toBe(4);
  });

  it('keeps a tenant’s keys in one slot on the node serving it, and spreads tenants over slots and nodes', async () => {
    const session = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] },
      { idempotencyKey: 'cluster-slot-check' },
    );
    const k = keys();
    const together = [
      k.session(session.id),
      k.sessionIndex,
      k.openByExpiry,
      k.idempotency('cluster-slot-check'),
      k.eventIndex,
      k.eventOutbox,
      k.mappings,
      k.products,
      k.catalogVersion,
      k.catalogTombstones,
    ];
    const slots = await Promise.all(together.map(keyslot));
    expect(new Set(slots).size).toBe(1);
    // The keys are really there, on the master that serves that slot (a plain client to any
    // other node would get MOVED).
    const owner = await ownerOf(slots[0] ?? -1);
    const node = new Redis(owner.port, owner.host, { maxRetriesPerRequest: 1 });
    try {
      expect(await node.exists(k.session(session.id), k.idempotency('cluster-slot-check'), k.mappings)).toBe(3);
      expect(await node.zscore(k.sessionIndex, session.id)).not.toBeNull();
    } finally {
      node.disconnect();
    }

    const tenantSlots = await Promise.all(
      ['default', 'acme', 'globex', 'initech', 'umbrella'].map((id) => keyslot(tenantKeys(prefix, id).sessionIndex)),
    );
    expect(new Set(tenantSlots).size).toBeGreaterThan(1);
    const owners = await Promise.all(tenantSlots.map(async (slot) => (await ownerOf(slot)).port));
    expect(new Set(owners).size).toBeGreaterThan(1);
  });

  it('delivers one verified checkout.session.completed through BullMQ on the cluster; the events API has it', async () => {
    if (!receiver) throw new Error('no receiver');
    const merchant = receiver;
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_tshirt', quantity: 1 }],
      metadata: { order_id: 'cluster-1' },
    });
    expect((await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`)).status).toBe(200);
    const completedFor = () =>
      merchant.accepted().filter((e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === session.id);
    await merchant.waitFor(() => completedFor().length >= 1, 30_000);
    // Quiet: the queue has nothing waiting, delayed or active, so a duplicate would have arrived.
    await waitFor(
      async () => {
        const depth = await stack.container.queue.depth();
        return depth.waiting + depth.delayed + depth.active === 0;
      },
      15_000,
      'an idle delivery queue',
    );
    const [event] = completedFor();
    expect(completedFor()).toHaveLength(1);
    expect(merchant.received.every((r) => r.verified)).toBe(true);
    expect(event?.data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', metadata: { order_id: 'cluster-1' } });
    expect((await stack.container.queue.depth()).failed).toBe(0);
    // BullMQ's keys share one slot through the `{prefix:queue}` hash tag.
    const queueKeys = [`{${prefix}:queue}:${QUEUE_NAME}:meta`, `{${prefix}:queue}:${QUEUE_NAME}:completed`];
    expect(await inspect.exists(...queueKeys)).toBe(2);
    expect(new Set(await Promise.all(queueKeys.map(keyslot))).size).toBe(1);

    const id = event?.id ?? '';
    expect((await stripe.events.retrieve(id)).data.object).toMatchObject({ id: session.id });
    const listed = await stripe.events.list({ type: 'checkout.session.completed', limit: 1 }).autoPagingToArray({ limit: 100 });
    expect(listed.map((e) => e.id)).toEqual([id]);
    await waitFor(async () => (await stripe.events.retrieve(id)).pending_webhooks === 0, 10_000, 'pending_webhooks to reach 0');
  });

  it('serves from the real gateway process (src/main.ts) configured by REDIS_CLUSTER_NODES alone, sharing the cluster', async () => {
    // The same environment as the in-process gateway (same seeds and key prefix, no REDIS_URL).
    expect(stack.env.REDIS_URL).toBeUndefined();
    gatewayProcess = await startGatewayProcess({ ...stack.env, LOG_LEVEL: 'warn' });
    const onProcess = new Stripe(TEST_KEYS.gateway, { host: '127.0.0.1', port: gatewayProcess.port, protocol: 'http', telemetry: false });
    const inProcess = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    expect((await onProcess.checkout.sessions.retrieve(inProcess.id)).id).toBe(inProcess.id);
    const created = await onProcess.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 3 }] },
      { idempotencyKey: 'cluster-process-1' },
    );
    expect(created.amount_total).toBe(6000);
    const replayed = await stripe.checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_tshirt', quantity: 3 }] },
      { idempotencyKey: 'cluster-process-1' },
    );
    expect(replayed.id).toBe(created.id);
    expect(replayed.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.checkout.sessions.list({ limit: 2 })).data.map((s) => s.id)).toEqual([created.id, inProcess.id]);
    expect(gatewayProcess.output()).not.toMatch(/CROSSSLOT|MOVED|redis connection error/i);
  }, 60_000);
});
