import type Redis from 'ioredis';
import { eventListFilter } from '../../src/services/events/event-list-filter';
import { sessionListFilter } from '../../src/services/checkout-sessions/list-filters';
import type { StoredEvent } from '../../src/store/event-store';
import type { ListPage } from '../../src/store/list-scan';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createMemorySessionStore } from '../../src/store/memory-session-store';
import type { RedisClient } from '../../src/store/redis-connection';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { createRedisSessionStore } from '../../src/store/redis-session-store';
import type { SessionRecord } from '../../src/store/session-record';
import type { ListEventsParams } from '../../src/stripe/params/event-params';
import type { ListSessionsParams } from '../../src/stripe/params/list-params';
import { testRedis } from '../helpers/redis-client';
import { sessionRecord } from '../helpers/session-records';

/**
 * Lists served from the list indexes (store/list-scan.ts, session-indexes.ts, event-indexes.ts)
 * against a reference: every filter of `GET /v1/checkout/sessions` and `GET /v1/events`, alone and
 * combined, paged forwards and backwards with every cursor, in both stores. And what a list costs:
 * the records it reads do not grow with the tenant's history.
 */
const redisSetup = testRedis();
afterAll(() => (redisSetup.redis as Redis).quit());

/** A day ago, on a second: inside every retention. */
const BASE_MS = Math.floor(Date.now() / 1000) * 1000 - 86_400_000;

type Paged = (query: { limit: number; startingAfter?: string; endingBefore?: string }) => Promise<ListPage<{ id: string }>>;

/** Stripe's pagination over `ordered` (newest first), computed the obvious way. */
function referencePage(ordered: string[], matching: Set<string>, limit: number, startingAfter?: string, endingBefore?: string) {
  if (endingBefore !== undefined) {
    const newer = ordered.slice(0, ordered.indexOf(endingBefore)).filter((id) => matching.has(id));
    return { ids: newer.slice(-limit), hasMore: newer.length > limit };
  }
  const older = ordered.slice(startingAfter === undefined ? 0 : ordered.indexOf(startingAfter) + 1).filter((id) => matching.has(id));
  return { ids: older.slice(0, limit), hasMore: older.length > limit };
}

/** Pages through a whole list both ways, and from cursors that do not match, checking every page. */
async function expectPagesLikeReference(list: Paged, ordered: string[], matching: Set<string>, label: string) {
  const check = async (limit: number, startingAfter?: string, endingBefore?: string) => {
    const page = await list({ limit, startingAfter, endingBefore });
    const got = { ids: page.records.map((r) => r.id), hasMore: page.hasMore };
    expect({ label, limit, startingAfter, endingBefore, ...got }).toEqual({
      label,
      limit,
      startingAfter,
      endingBefore,
      ...referencePage(ordered, matching, limit, startingAfter, endingBefore),
    });
    return got;
  };
  // Forwards to the end, then backwards from the oldest match to the start.
  const seen: string[] = [];
  let page = await check(4);
  seen.push(...page.ids);
  while (page.hasMore) {
    page = await check(4, seen[seen.length - 1]);
    seen.push(...page.ids);
  }
  expect(seen).toEqual(ordered.filter((id) => matching.has(id)));
  let cursor = seen[seen.length - 1];
  for (let guard = 0; cursor !== undefined && guard < 50; guard++) {
    const back = await check(3, undefined, cursor);
    cursor = back.hasMore ? back.ids[0] : undefined;
  }
  // Cursors that are objects of the tenant but not matches: the list goes on from their place.
  for (const id of [ordered[5], ordered[17], ordered[ordered.length - 2]]) {
    if (id === undefined) continue;
    await check(5, id);
    await check(5, undefined, id);
  }
}

const implementations = [
  {
    name: 'redis',
    stores: (now: () => number) => ({
      sessions: createRedisSessionStore(redisSetup.redis, redisSetup.keysFor, now),
      events: createRedisEventStore(redisSetup.redis, redisSetup.keysFor, now),
    }),
  },
  {
    name: 'memory',
    stores: (now: () => number) => {
      const events = createMemoryEventStore(now);
      return { sessions: createMemorySessionStore(events, undefined, now), events };
    },
  },
];

/** 60 sessions: ties on created, every status, customers, emails in mixed case, links, intents, subscriptions. */
function sessionFixtures(tenantId: string): SessionRecord[] {
  return Array.from({ length: 60 }, (_, i) => {
    // Every third session shares its millisecond with the one before (ties order by id).
    const createdMs = BASE_MS + (i - (i % 3 === 2 ? 1 : 0)) * 700;
    const record = sessionRecord({ id: `cs_test_${String(i).padStart(3, '0')}_${(i * 7919) % 97}`, tenantId, createdMs });
    const s = record.session;
    s.customer = i % 4 === 0 ? 'cus_a' : i % 4 === 1 ? 'cus_b' : null;
    s.customer_email = i % 5 === 0 ? 'Ann@Example.com' : null;
    s.payment_link = i % 6 === 0 ? 'plink_1' : null;
    s.subscription = i % 10 === 3 ? `sub_${i % 20}` : null;
    return record;
  });
}

/** Completes or expires some sessions through `update`, as settling does, so they move between indexes. */
async function settle(store: ReturnType<(typeof implementations)[number]['stores']>['sessions'], tenantId: string, records: SessionRecord[]) {
  for (const [i, record] of records.entries()) {
    if (i % 3 === 0) continue;
    await store.update(tenantId, record.session.id, (current) => {
      current.session.status = i % 3 === 1 ? 'complete' : 'expired';
      if (i % 3 === 1) {
        current.session.payment_intent = `pi_${i}`;
        current.session.customer_details = { email: i % 7 === 1 ? 'ANN@example.com' : 'bob@example.com' };
      }
      return current;
    });
  }
}

const second = (i: number) => Math.floor((BASE_MS + i * 700) / 1000);

const SESSION_FILTERS: ListSessionsParams[] = [
  {},
  { status: 'open' },
  { status: 'complete' },
  { status: 'expired' },
  { customer: 'cus_a' },
  { customer: 'cus_nobody' },
  { customer_details: { email: 'ann@EXAMPLE.com' } },
  { customer_details: { email: 'bob@example.com' } },
  { payment_link: 'plink_1' },
  { payment_intent: 'pi_4' },
  { subscription: 'sub_13' },
  { customer_account: 'acct_1' },
  { created: second(20) },
  { created: { gte: second(10), lt: second(40) } },
  { created: { gt: second(10), lte: second(40) } },
  { created: { gt: second(59) } },
  { status: 'complete', customer: 'cus_b' },
  { status: 'open', created: { lte: second(30) } },
  { customer: 'cus_a', payment_link: 'plink_1' },
  { customer: 'cus_a', payment_link: 'plink_1', status: 'expired', created: { gte: second(5) } },
];

describe.each(implementations)('$name list indexes', (impl) => {
  it('lists sessions by every filter, alone and combined, like the reference, both ways', async () => {
    const tenant = `t-${impl.name}-session-filters`;
    const { sessions } = impl.stores(() => BASE_MS + 60 * 700);
    const records = sessionFixtures(tenant);
    for (const record of records) await sessions.insert(record);
    await settle(sessions, tenant, records);
    const stored = (await sessions.getMany(
      tenant,
      records.map((r) => r.session.id),
    )) as SessionRecord[];
    const ordered = [...stored].sort((a, b) => b.createdMs - a.createdMs || (a.session.id < b.session.id ? 1 : -1)).map((r) => r.session.id);
    for (const params of SESSION_FILTERS) {
      const filter = sessionListFilter(params);
      const matching = new Set(stored.filter(filter.matches).map((r) => r.session.id));
      const list: Paged = async (page) => {
        const result = await sessions.list(tenant, { ...page, ...filter });
        return { records: result.records.map((r) => ({ id: r.session.id })), hasMore: result.hasMore };
      };
      await expectPagesLikeReference(list, ordered, matching, JSON.stringify(params));
    }
    // A filter matches something in most of these: the reference is not trivially empty.
    expect(SESSION_FILTERS.filter((p) => stored.some(sessionListFilter(p).matches)).length).toBeGreaterThan(15);
  });

  it('lists events by type, wildcard, types[], delivery_success and created, like the reference, both ways', async () => {
    const tenant = `t-${impl.name}-event-filters`;
    let clock = BASE_MS;
    const { events } = impl.stores(() => clock);
    const types = ['checkout.session.completed', 'checkout.session.expired', 'charge.succeeded', 'charge.refunded'];
    const recorded: StoredEvent[] = [];
    for (let i = 0; i < 60; i++) {
      clock = BASE_MS + i * 450;
      const event: StoredEvent = {
        id: `evt_test_${String(i).padStart(3, '0')}`,
        object: 'event',
        type: types[i % 4 === 3 && i % 8 !== 7 ? 2 : i % 4] ?? 'charge.succeeded',
        // Built a moment before it is recorded: now and then in the second before.
        created: Math.floor((clock - (i % 9 === 4 ? 300 : 0)) / 1000),
        livemode: false,
        pending_webhooks: i % 5 === 0 ? 0 : 2,
        data: { object: { id: `cs_${i}`, object: 'checkout.session' } },
      };
      await events.record(tenant, event, `dedupe-${event.id}`);
      recorded.push(event);
    }
    // Some reach every endpoint, some one of two.
    for (const [i, event] of recorded.entries()) {
      if (i % 3 === 0) for (const url of ['https://a.example/hook', 'https://b.example/hook']) await events.delivered(tenant, event.id, url);
      if (i % 3 === 1) await events.delivered(tenant, event.id, 'https://a.example/hook');
    }
    const all = await events.list(tenant, { limit: 100, matches: () => true });
    const ordered = all.records.map((e) => e.id);
    expect(ordered).toHaveLength(60);
    const filters: ListEventsParams[] = [
      {},
      { type: 'checkout.session.completed' },
      { type: 'checkout.session.*' },
      { type: '*.succeeded' },
      { type: 'invoice.*' },
      { type: 'nothing.recorded' },
      { types: ['charge.refunded', 'checkout.session.expired'] },
      { delivery_success: true },
      { delivery_success: false },
      { created: Math.floor((BASE_MS + 20 * 450) / 1000) },
      { created: { gte: Math.floor((BASE_MS + 10 * 450) / 1000), lt: Math.floor((BASE_MS + 40 * 450) / 1000) } },
      { type: 'charge.*', delivery_success: false },
      { types: ['checkout.session.completed', 'charge.succeeded'], created: { lte: Math.floor((BASE_MS + 30 * 450) / 1000) } },
    ];
    for (const params of filters) {
      const filter = await eventListFilter(params, () => events.types(tenant));
      const matching = new Set(all.records.filter(filter.matches).map((e) => e.id));
      const list: Paged = (page) => events.list(tenant, { ...page, ...filter });
      await expectPagesLikeReference(list, ordered, matching, JSON.stringify(params));
    }
  });
});

/** The test Redis, counting what list requests read: records (MGET keys) and index entries. */
function countingRedis(redis: RedisClient) {
  const counts = { records: 0, indexEntries: 0 };
  const proxy = new Proxy(redis, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'mget')
        return (...args: unknown[]) => {
          counts.records += args.flat().length;
          return Reflect.apply(value, target, args);
        };
      if (typeof property === 'string' && /^z(rev)?range/.test(property))
        return async (...args: unknown[]) => {
          const result = (await Reflect.apply(value, target, args)) as string[];
          counts.indexEntries += args.includes('WITHSCORES') ? result.length / 2 : result.length;
          return result;
        };
      return value.bind(target);
    },
  });
  return { redis: proxy, counts };
}

describe('what a filtered list costs (redis)', () => {
  /** `history` sessions of which only the newest three belong to cus_few, and all others to sub_many. */
  async function tenantWithHistory(name: string, history: number) {
    const tenant = `t-cost-${name}`;
    const sessions = createRedisSessionStore(redisSetup.redis, redisSetup.keysFor);
    const redis = redisSetup.redis as Redis;
    const batch = 500;
    for (let from = 0; from < history; from += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, history - from) }, (_, k) => {
          const i = from + k;
          const record = sessionRecord({ id: `cs_cost_${String(i).padStart(6, '0')}`, tenantId: tenant, createdMs: BASE_MS + i });
          record.session.customer = i >= history - 3 ? 'cus_few' : `cus_many_${i % 50}`;
          record.session.subscription = i >= history - 3 ? null : 'sub_many';
          return sessions.insert(record);
        }),
      );
    }
    expect(await redis.zcard(redisSetup.keysFor(tenant).sessionIndex)).toBe(history);
    return tenant;
  }

  it('reads no session for a filter that matches nothing, and a page for one that matches a few, whatever the history', async () => {
    const reads: Record<string, { records: number; indexEntries: number }> = {};
    for (const history of [300, 3000]) {
      const tenant = await tenantWithHistory(`sessions-${history}`, history);
      for (const [label, params] of Object.entries({
        none: { customer: 'cus_nobody' },
        noneCombined: { customer: 'cus_few', subscription: 'sub_many' },
        few: { customer: 'cus_few' },
        noneInRange: { created: { lt: Math.floor(BASE_MS / 1000) } },
      } satisfies Record<string, ListSessionsParams>)) {
        const counting = countingRedis(redisSetup.redis);
        const store = createRedisSessionStore(counting.redis, redisSetup.keysFor);
        const page = await store.list(tenant, { limit: 10, ...sessionListFilter(params) });
        expect(page.records.length).toBe(label === 'few' ? 3 : 0);
        reads[`${label}@${history}`] = { ...counting.counts };
      }
    }
    expect(reads).toEqual({
      'none@300': { records: 0, indexEntries: 0 },
      'none@3000': { records: 0, indexEntries: 0 },
      'noneCombined@300': { records: 0, indexEntries: 3 },
      'noneCombined@3000': { records: 0, indexEntries: 3 },
      'few@300': { records: 3, indexEntries: 3 },
      'few@3000': { records: 3, indexEntries: 3 },
      'noneInRange@300': { records: 0, indexEntries: 0 },
      'noneInRange@3000': { records: 0, indexEntries: 0 },
    });
  });

  it('reads no event for a type, wildcard or delivery filter that matches nothing, whatever the history', async () => {
    const reads: Record<string, number> = {};
    for (const history of [200, 2000]) {
      const tenant = `t-cost-events-${history}`;
      const events = createRedisEventStore(redisSetup.redis, redisSetup.keysFor, () => BASE_MS);
      await Promise.all(
        Array.from({ length: history }, (_, i) =>
          events.record(
            tenant,
            {
              id: `evt_cost_${i}`,
              object: 'event',
              type: 'checkout.session.completed',
              created: BASE_MS / 1000,
              livemode: false,
              pending_webhooks: 0,
              data: { object: {} },
            },
            `dedupe-${i}`,
          ),
        ),
      );
      for (const [label, params] of Object.entries({
        type: { type: 'checkout.session.expired' },
        wildcard: { type: 'charge.*' },
        types: { types: ['charge.succeeded', 'charge.refunded'] },
        undelivered: { delivery_success: false },
      } satisfies Record<string, ListEventsParams>)) {
        const counting = countingRedis(redisSetup.redis);
        const store = createRedisEventStore(counting.redis, redisSetup.keysFor);
        const page = await store.list(tenant, { limit: 10, ...(await eventListFilter(params, () => store.types(tenant))) });
        expect(page.records).toEqual([]);
        reads[`${label}@${history}`] = counting.counts.records + counting.counts.indexEntries;
      }
    }
    expect(Object.values(reads).every((read) => read <= 1)).toBe(true);
    expect(Object.keys(reads)).toHaveLength(8);
  });
});

describe('sessions and events stored before the list indexes (an upgraded gateway, redis)', () => {
  it('lists them correctly before the build (reading every one), and from the indexes after it', async () => {
    const tenant = 't-legacy';
    const keys = redisSetup.keysFor(tenant);
    const redis = redisSetup.redis as Redis;
    // Written as the gateway wrote them before the list indexes: record and main index only.
    const legacy = Array.from({ length: 250 }, (_, i) => {
      const record = sessionRecord({ id: `cs_legacy_${String(i).padStart(4, '0')}`, tenantId: tenant, createdMs: BASE_MS + i * 10 });
      record.session.customer = i % 50 === 7 ? 'cus_rare' : 'cus_common';
      return record;
    });
    for (const record of legacy) {
      await redis.set(keys.session(record.session.id), JSON.stringify(record), 'EX', 3600);
      await redis.zadd(keys.sessionIndex, record.createdMs, record.session.id);
    }
    // A legacy event recorded just after its `created` second.
    const legacyEvent: StoredEvent = {
      id: 'evt_legacy_1',
      object: 'event',
      type: 'checkout.session.expired',
      created: Math.floor(BASE_MS / 1000),
      livemode: false,
      pending_webhooks: 1,
      data: { object: {} },
    };
    await redis.set(keys.event(legacyEvent.id), JSON.stringify(legacyEvent), 'EX', 3600);
    await redis.zadd(keys.eventIndex, Math.floor(BASE_MS / 1000) * 1000 + 1002, legacyEvent.id);

    const sessions = createRedisSessionStore(redis, redisSetup.keysFor);
    const events = createRedisEventStore(redis, redisSetup.keysFor);
    // A new session after the upgrade, while the build has not run: indexed by its own write.
    const fresh = sessionRecord({ id: 'cs_legacy_new', tenantId: tenant, createdMs: BASE_MS + 5000 });
    fresh.session.customer = 'cus_rare';
    await sessions.insert(fresh);
    const rare = [
      'cs_legacy_new',
      ...legacy
        .filter((r) => r.session.customer === 'cus_rare')
        .map((r) => r.session.id)
        .reverse(),
    ];
    const listRare = async (store = sessions) =>
      (await store.list(tenant, { limit: 100, ...sessionListFilter({ customer: 'cus_rare' }) })).records.map((r) => r.session.id);
    const expiredEvents = async (store = events) =>
      (
        await store.list(tenant, {
          limit: 10,
          ...(await eventListFilter({ type: 'checkout.session.*', created: legacyEvent.created }, () => store.types(tenant))),
        })
      ).records.map((e) => e.id);

    expect(await listRare()).toEqual(rare);
    expect(await expiredEvents()).toEqual(['evt_legacy_1']);
    // The build waits out its grace (old instances still writing), then makes one pass.
    expect(await sessions.buildIndexes(tenant, 100, 60_000)).toBe(false);
    expect(await redis.hget(keys.sessionsIndexBuild, 'score')).toBeNull();
    let steps = 0;
    while (!(await sessions.buildIndexes(tenant, 100, 0))) steps += 1;
    while (!(await events.buildIndexes(tenant, 100, 0))) steps += 1;
    expect(steps).toBe(4);
    expect(await redis.get(keys.sessionsIndexed)).toBe('1');

    const counting = countingRedis(redis);
    expect(await listRare(createRedisSessionStore(counting.redis, redisSetup.keysFor))).toEqual(rare);
    expect(counting.counts.records).toBe(rare.length);
    // The legacy event now sits inside its `created` second, where a created filter finds it.
    expect(await expiredEvents(createRedisEventStore(redis, redisSetup.keysFor))).toEqual(['evt_legacy_1']);
    expect(Number(await redis.zscore(keys.eventIndex, legacyEvent.id))).toBe(legacyEvent.created * 1000 + 999);
  });
});
