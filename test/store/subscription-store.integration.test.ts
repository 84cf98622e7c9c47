import type Redis from 'ioredis';
import type { StoredEvent } from '../../src/store/event-store';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createMemorySubscriptionStore } from '../../src/store/memory-subscription-store';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { createRedisSubscriptionStore } from '../../src/store/redis-subscription-store';
import { subscriptionKeys } from '../../src/store/subscription-keys';
import type { SubscriptionRecord } from '../../src/store/subscription-record';
import { UnknownCursorError, type SubscriptionStore } from '../../src/store/subscription-store';
import { addIntervals } from '../../src/translate/billing-period';
import { planSubscriptionSync } from '../../src/translate/plan-subscription-sync';
import { testRedis } from '../helpers/redis-client';
import { DAY, T0, firstPlan, loopsSub, stored } from '../helpers/subscription-records';

const redisSetup = testRedis();
afterAll(() => (redisSetup.redis as Redis).quit());

const implementations = [
  {
    name: 'redis',
    make: () => {
      const events = createRedisEventStore(redisSetup.redis, redisSetup.keysFor);
      return { store: createRedisSubscriptionStore(redisSetup.redis, (t) => subscriptionKeys(redisSetup.prefix, t), redisSetup.keysFor), events };
    },
  },
  {
    name: 'memory',
    make: () => {
      const events = createMemoryEventStore();
      return { store: createMemorySubscriptionStore(events), events };
    },
  },
];

let tenants = 0;
const event = (id: string): StoredEvent => ({
  id,
  object: 'event',
  type: 'customer.subscription.created',
  created: T0,
  livemode: false,
  pending_webhooks: 0,
  data: { object: { id: 'sub_x' } },
});

/** Stores a new subscription from its first plan. */
async function insert(
  store: SubscriptionStore,
  tenantId: string,
  id: string,
  overrides: Parameters<typeof loopsSub>[0] = {},
  events: StoredEvent[] = [],
) {
  const plan = firstPlan(loopsSub({ id, ...overrides }), tenantId);
  if (!plan) throw new Error('expected a plan');
  const result = await store.write(tenantId, { expectedVersion: null, previous: undefined, record: plan.record, invoices: plan.invoices, events });
  if (result.kind !== 'written') throw new Error('insert conflicted');
  return { record: result.record, invoices: plan.invoices };
}

describe.each(implementations)('subscription store ($name)', ({ make }) => {
  let store: SubscriptionStore;
  let events: ReturnType<typeof make>['events'];
  let tenant: string;
  beforeEach(() => {
    ({ store, events } = make());
    tenants += 1;
    tenant = `t${tenants}`;
  });

  it('writes a subscription, its invoices and its events in one step; a stale version writes nothing', async () => {
    const { record, invoices } = await insert(store, tenant, 'sub_a1', {}, [event('evt_sub_a1')]);
    expect(record.version).toBe(1);
    expect(await store.get(tenant, 'sub_a1')).toEqual(record);
    expect(await store.getInvoice(tenant, invoices[0]?.id ?? '')).toEqual(invoices[0]);
    expect((await events.get(tenant, 'evt_sub_a1'))?.id).toBe('evt_sub_a1');
    expect(await events.outbox(tenant, Date.now() + 1000, 10)).toEqual(['evt_sub_a1']);

    // A second insert of the same id, and a replace against an old version, both lose.
    const again = firstPlan(loopsSub({ id: 'sub_a1' }), tenant);
    expect(
      await store.write(tenant, {
        expectedVersion: null,
        previous: undefined,
        record: again?.record as SubscriptionRecord,
        invoices: [],
        events: [],
      }),
    ).toEqual({
      kind: 'conflict',
    });
    const next = planSubscriptionSync({
      previous: record,
      loops: loopsSub({ id: 'sub_a1', status: 'canceled', canceled_at: T0 + 9, ended_at: T0 + 9 }),
      nowSeconds: T0 + 9,
    });
    const stale = await store.write(tenant, {
      expectedVersion: 7,
      previous: record,
      record: next?.record as SubscriptionRecord,
      invoices: [],
      events: [event('evt_lost')],
    });
    expect(stale).toEqual({ kind: 'conflict' });
    expect(await events.get(tenant, 'evt_lost')).toBeUndefined();
    expect((await store.get(tenant, 'sub_a1'))?.loops.status).toBe('active');
  });

  it('indexes follow the record: status, the live list, customer changes and the due time', async () => {
    const { record } = await insert(store, tenant, 'sub_b1', { externalCustomerId: null });
    await insert(store, tenant, 'sub_b2', { created: T0 + 1, current_period_start: T0 + 1, current_period_end: addIntervals(T0 + 1, 'month', 1) });
    const list = async (index: Parameters<SubscriptionStore['list']>[1]['index']) =>
      (await store.list(tenant, { index, limit: 10, matches: () => true })).records.map((r) => r.id);
    expect(await list({ kind: 'all' })).toEqual(['sub_b2', 'sub_b1']);
    expect(await list({ kind: 'live' })).toEqual(['sub_b2', 'sub_b1']);
    expect(await store.countSubscriptions(tenant, { kind: 'status', status: 'active' })).toBe(2);
    expect(await list({ kind: 'customer', customer: 'cus_1' })).toEqual(['sub_b2']);

    const canceled = planSubscriptionSync({
      previous: record,
      loops: loopsSub({ id: 'sub_b1', externalCustomerId: 'cus_later', status: 'canceled', canceled_at: T0 + 5, ended_at: T0 + 5 }),
      nowSeconds: T0 + 5,
    });
    expect(
      (await store.write(tenant, { expectedVersion: 1, previous: record, record: canceled?.record as SubscriptionRecord, invoices: [], events: [] }))
        .kind,
    ).toBe('written');
    expect(await list({ kind: 'live' })).toEqual(['sub_b2']);
    expect(await list({ kind: 'status', status: 'canceled' })).toEqual(['sub_b1']);
    expect(await list({ kind: 'status', status: 'active' })).toEqual(['sub_b2']);
    expect(await list({ kind: 'customer', customer: 'cus_later' })).toEqual(['sub_b1']);
    expect(await list({ kind: 'price', price: 'price_pro' })).toEqual(['sub_b2', 'sub_b1']);

    // Due: only the live one, at its period end plus the grace; a reschedule moves it, and never
    // brings back one that left the index.
    const due = addIntervals(T0 + 1, 'month', 1) + 60;
    expect(await store.due(tenant, due - 1, 10)).toEqual([]);
    expect(await store.due(tenant, due, 10)).toEqual(['sub_b2']);
    await store.rescheduleDue(tenant, 'sub_b2', due + 600);
    await store.rescheduleDue(tenant, 'sub_b1', due);
    expect(await store.due(tenant, due + 599, 10)).toEqual([]);
    expect(await store.due(tenant, due + 600, 10)).toEqual(['sub_b2']);
  });

  it('lists page with cursors both ways inside a created range; an unknown cursor is an error', async () => {
    for (let i = 0; i < 6; i++) await insert(store, tenant, `sub_c${i}`, { created: T0 + i * DAY });
    const page = (query: { startingAfter?: string; endingBefore?: string; min?: number; max?: number; limit?: number }) =>
      store.list(tenant, {
        index: { kind: 'all' },
        limit: query.limit ?? 2,
        ...(query.startingAfter ? { startingAfter: query.startingAfter } : {}),
        ...(query.endingBefore ? { endingBefore: query.endingBefore } : {}),
        created: { ...(query.min !== undefined ? { min: query.min } : {}), ...(query.max !== undefined ? { max: query.max } : {}) },
        matches: () => true,
      });
    const ids = async (p: Promise<{ records: SubscriptionRecord[]; hasMore: boolean }>) => {
      const { records, hasMore } = await p;
      return { ids: records.map((r) => r.id), hasMore };
    };
    expect(await ids(page({}))).toEqual({ ids: ['sub_c5', 'sub_c4'], hasMore: true });
    expect(await ids(page({ startingAfter: 'sub_c4' }))).toEqual({ ids: ['sub_c3', 'sub_c2'], hasMore: true });
    expect(await ids(page({ endingBefore: 'sub_c2' }))).toEqual({ ids: ['sub_c4', 'sub_c3'], hasMore: true });
    // created in [T0+1d, T0+3d]: c1..c3, newest first.
    const range = { min: (T0 + DAY) * 1000, max: (T0 + 3 * DAY) * 1000 + 999 };
    expect(await ids(page({ ...range, limit: 10 }))).toEqual({ ids: ['sub_c3', 'sub_c2', 'sub_c1'], hasMore: false });
    expect(await ids(page({ ...range, startingAfter: 'sub_c3' }))).toEqual({ ids: ['sub_c2', 'sub_c1'], hasMore: false });
    expect(await ids(page({ ...range, startingAfter: 'sub_c5' }))).toEqual({ ids: ['sub_c3', 'sub_c2'], hasMore: true });
    await expect(page({ startingAfter: 'sub_nope' })).rejects.toBeInstanceOf(UnknownCursorError);
  });

  it('search looks at a bounded number of records per page and says where to go on', async () => {
    for (let i = 0; i < 5; i++) await insert(store, tenant, `sub_d${i}`, { created: T0 + i, metadata: { n: String(i) } });
    const wanted = (record: SubscriptionRecord) => record.loops.metadata.n === '0';
    const first = await store.search(tenant, { index: { kind: 'all' }, limit: 10, maxExamined: 2, matches: wanted });
    expect(first).toEqual({ records: [], resumeAfter: 'sub_d3' });
    const second = await store.search(tenant, { index: { kind: 'all' }, afterId: 'sub_d3', limit: 10, maxExamined: 2, matches: wanted });
    expect(second).toEqual({ records: [], resumeAfter: 'sub_d1' });
    const third = await store.search(tenant, { index: { kind: 'all' }, afterId: 'sub_d1', limit: 10, maxExamined: 2, matches: wanted });
    expect(third.records.map((r) => r.id)).toEqual(['sub_d0']);
    expect(third.resumeAfter).toBeNull();
  });

  it('an invoice moves between status indexes as it is paid; customer and subscription indexes find it', async () => {
    const { record } = await insert(store, tenant, 'sub_e1');
    const end = addIntervals(T0, 'month', 1);
    const failing = planSubscriptionSync({
      previous: record,
      loops: loopsSub({ id: 'sub_e1', status: 'past_due', latest_charge: 'ch_f' }),
      nowSeconds: end,
    });
    await store.write(tenant, {
      expectedVersion: 1,
      previous: record,
      record: failing?.record as SubscriptionRecord,
      invoices: failing?.invoices ?? [],
      events: [],
    });
    const open = failing?.invoices[0]?.id ?? '';
    const listIds = async (index: Parameters<SubscriptionStore['listInvoices']>[1]['index']) =>
      (await store.listInvoices(tenant, { index, limit: 10, matches: () => true })).records.map((r) => r.id);
    expect(await listIds({ kind: 'status', status: 'open' })).toEqual([open]);
    const recovered = planSubscriptionSync({
      previous: stored(failing),
      loops: loopsSub({ id: 'sub_e1', current_period_start: end, current_period_end: addIntervals(T0, 'month', 2), latest_charge: 'ch_ok' }),
      nowSeconds: end + DAY,
    });
    await store.write(tenant, {
      expectedVersion: 2,
      previous: stored(failing),
      record: recovered?.record as SubscriptionRecord,
      invoices: recovered?.invoices ?? [],
      events: [],
    });
    expect(await listIds({ kind: 'status', status: 'open' })).toEqual([]);
    expect(await listIds({ kind: 'status', status: 'paid' })).toEqual([open, record.invoices.first]);
    expect(await listIds({ kind: 'subscription', subscription: 'sub_e1' })).toEqual([open, record.invoices.first]);
    expect(await listIds({ kind: 'customer', customer: 'cus_1' })).toEqual([open, record.invoices.first]);
    expect(await store.countInvoices(tenant, { kind: 'all' })).toBe(2);
  });
});

describe('subscription store keys (redis)', () => {
  it('every key a tenant’s subscriptions write carries the tenant’s hash tag, and client ids go in as digests', async () => {
    const store = createRedisSubscriptionStore(redisSetup.redis, (t) => subscriptionKeys(redisSetup.prefix, t), redisSetup.keysFor);
    await insert(store, 'tagged', 'sub_k1', { externalCustomerId: 'cus_{evil}:*' }, [event('evt_tagged')]);
    const keys = await redisSetup.redis.keys(`${redisSetup.prefix}:*`);
    const mine = keys.filter((key) => key.includes('tagged'));
    expect(mine.length).toBeGreaterThan(8);
    for (const key of mine) expect(key.startsWith(`${redisSetup.prefix}:{tagged}:`)).toBe(true);
    expect(keys.some((key) => key.includes('cus_{evil}'))).toBe(false);
  });
});
