import type Redis from 'ioredis';
import type { EventStore, StoredEvent } from '../../src/store/event-store';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createMemoryIdempotencyStore } from '../../src/store/memory-idempotency-store';
import { createMemoryPortalConfigurationStore } from '../../src/store/memory-portal-configuration-store';
import type { IdempotencyStore } from '../../src/store/idempotency-store';
import type { PortalConfigurationRecord } from '../../src/store/portal-configuration-record';
import { UnknownCursorError, type PortalConfigurationStore } from '../../src/store/portal-configuration-store';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { createRedisIdempotencyStore } from '../../src/store/redis-idempotency-store';
import { createRedisPortalConfigurationStore } from '../../src/store/redis-portal-configuration-store';
import { buildPortalConfigurationObject } from '../../src/stripe/objects/portal-configuration-object';
import { testRedis } from '../helpers/redis-client';

const redisSetup = testRedis();
afterAll(() => (redisSetup.redis as Redis).quit());

interface Stores {
  configurations: PortalConfigurationStore;
  events: EventStore;
  idempotency: IdempotencyStore;
}

const implementations: { name: string; make: () => Stores }[] = [
  {
    name: 'redis',
    make: () => ({
      configurations: createRedisPortalConfigurationStore(redisSetup.redis, redisSetup.prefix, redisSetup.keysFor),
      events: createRedisEventStore(redisSetup.redis, redisSetup.keysFor),
      idempotency: createRedisIdempotencyStore(redisSetup.redis, redisSetup.keysFor, 30),
    }),
  },
  {
    name: 'memory',
    make: () => {
      const events = createMemoryEventStore();
      const idempotency = createMemoryIdempotencyStore(30);
      return { configurations: createMemoryPortalConfigurationStore(events, idempotency), events, idempotency };
    },
  },
];

let counter = 0;
const nextId = () => `bpc_${String(++counter).padStart(24, '0')}`;

function record(tenantId: string, createdMs: number, id = nextId()): PortalConfigurationRecord {
  return {
    version: 1,
    tenantId,
    createdMs,
    configuration: buildPortalConfigurationObject({ id, created: Math.floor(createdMs / 1000), livemode: false, isDefault: false }),
  };
}

function event(type: string, object: Record<string, unknown>): StoredEvent {
  return {
    id: `evt_${String(++counter).padStart(24, '0')}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 0,
    data: { object },
  };
}

const eventIds = async (events: EventStore, tenant: string) =>
  (await events.list(tenant, { limit: 100, matches: () => true })).records.map((e) => e.id);

describe.each(implementations)('$name portal configuration store', (impl) => {
  it('inserts once per id with its event and idempotent answer; a second insert finds the first; the default needs no event', async () => {
    const { configurations, events, idempotency } = impl.make();
    const tenant = `t-${impl.name}-insert`;
    const first = record(tenant, Date.now());
    const created = event('billing_portal.configuration.created', first.configuration);
    const answer = { key: 'idem-1', fingerprint: 'f'.repeat(64), response: { status: 200, body: '{"id":"x"}', requestId: 'req_1' } };
    expect(await configurations.insert(first, created, answer)).toEqual({ kind: 'created', record: first });
    expect(await configurations.insert({ ...first, configuration: { ...first.configuration, name: 'other' } }, event('x', {}))).toEqual({
      kind: 'exists',
      record: first,
    });
    expect(await eventIds(events, tenant)).toEqual([created.id]);
    // The key replays the stored answer: it was written with the configuration.
    expect(await idempotency.begin(tenant, 'idem-1', answer.fingerprint, 'op-1', Date.now())).toEqual({ kind: 'replay', response: answer.response });
    expect(await configurations.get(tenant, first.configuration.id)).toEqual(first);
    expect(await configurations.get(`${tenant}-other`, first.configuration.id)).toBeUndefined();

    const quiet = record(tenant, Date.now() + 1);
    expect((await configurations.insert(quiet)).kind).toBe('created');
    expect(await eventIds(events, tenant)).toEqual([created.id]);
  });

  it('updates compare-and-set with the event in the same step: concurrent updates all land', async () => {
    const { configurations, events } = impl.make();
    const tenant = `t-${impl.name}-update`;
    const base = record(tenant, Date.now());
    await configurations.insert(base);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        configurations.update(
          tenant,
          base.configuration.id,
          (current) => ({ ...current, configuration: { ...current.configuration, metadata: { ...current.configuration.metadata, [`k${i}`]: 'v' } } }),
          (next) => event('billing_portal.configuration.updated', next.configuration),
        ),
      ),
    );
    expect(results.every((result) => result.kind === 'updated')).toBe(true);
    const stored = await configurations.get(tenant, base.configuration.id);
    expect(Object.keys(stored?.configuration.metadata ?? {}).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
    expect(stored?.version).toBe(9);
    expect(await eventIds(events, tenant)).toHaveLength(8);
    expect(
      await configurations.update(
        tenant,
        base.configuration.id,
        () => undefined,
        () => event('x', {}),
      ),
    ).toMatchObject({ kind: 'unchanged' });
    expect(
      await configurations.update(
        tenant,
        'bpc_missing000000000000000',
        (c) => c,
        () => event('x', {}),
      ),
    ).toEqual({ kind: 'missing' });
  });

  it('lists newest first with exclusive cursors, a truthful has_more and filters', async () => {
    const { configurations } = impl.make();
    const tenant = `t-${impl.name}-list`;
    const start = Date.now() - 100_000;
    const records = Array.from({ length: 7 }, (_, i) => record(tenant, start + i * 1000));
    for (const r of records) await configurations.insert(r);
    const newestFirst = records.map((r) => r.configuration.id).reverse();
    const all = () => true;
    const page = await configurations.list(tenant, { limit: 3, matches: all });
    expect(page.records.map((r) => r.configuration.id)).toEqual(newestFirst.slice(0, 3));
    expect(page.hasMore).toBe(true);
    const next = await configurations.list(tenant, { limit: 10, startingAfter: newestFirst[2], matches: all });
    expect(next.records.map((r) => r.configuration.id)).toEqual(newestFirst.slice(3));
    expect(next.hasMore).toBe(false);
    const back = await configurations.list(tenant, { limit: 2, endingBefore: newestFirst[3], matches: all });
    expect(back.records.map((r) => r.configuration.id)).toEqual(newestFirst.slice(1, 3));
    const odd = await configurations.list(tenant, { limit: 10, matches: (r) => r.createdMs % 2000 === start % 2000 });
    expect(odd.records.map((r) => r.configuration.id)).toEqual(newestFirst.filter((_, i) => (6 - i) % 2 === 0));
    await expect(configurations.list(tenant, { limit: 1, startingAfter: 'bpc_unknown', matches: all })).rejects.toBeInstanceOf(UnknownCursorError);
    // A client's cursor that is no configuration id never reaches a key.
    await expect(configurations.list(tenant, { limit: 1, startingAfter: '*', matches: all })).rejects.toBeInstanceOf(UnknownCursorError);
  });
});
