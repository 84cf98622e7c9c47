import type Redis from 'ioredis';
import type { CustomerRecord, StoredCustomer } from '../../src/store/customer-record';
import { UnknownCursorError, WHOLE_HISTORY, type CustomerStore } from '../../src/store/customer-store';
import type { EventStore, StoredEvent } from '../../src/store/event-store';
import { createMemoryCustomerStore } from '../../src/store/memory-customer-store';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createRedisCustomerStore } from '../../src/store/redis-customer-store';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { buildCustomerObject } from '../../src/stripe/objects/customer-object';
import { testRedis } from '../helpers/redis-client';

const redisSetup = testRedis();
afterAll(() => (redisSetup.redis as Redis).quit());

const implementations: { name: string; make: () => { customers: CustomerStore; events: EventStore } }[] = [
  {
    name: 'redis',
    make: () => ({
      customers: createRedisCustomerStore(redisSetup.redis, redisSetup.keysFor),
      events: createRedisEventStore(redisSetup.redis, redisSetup.keysFor),
    }),
  },
  {
    name: 'memory',
    make: () => {
      const events = createMemoryEventStore();
      return { customers: createMemoryCustomerStore(events), events };
    },
  },
];

let counter = 0;
const nextId = () => `cus_${String(++counter).padStart(24, '0')}`;

function customerRecord(tenantId: string, createdMs: number, email: string | null = null, id = nextId()): CustomerRecord {
  const customer = { ...buildCustomerObject({ id, created: Math.floor(createdMs / 1000), livemode: false }), email };
  return { version: 1, tenantId, createdMs, customer };
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

const all = { index: { kind: 'all' } as const, window: WHOLE_HISTORY };
const ids = (records: CustomerRecord[]) => records.map((r) => r.customer.id);
const deleteChange = (current: CustomerRecord): CustomerRecord => ({
  ...current,
  customer: { id: current.customer.id, object: 'customer', deleted: true },
});

describe.each(implementations)('$name customer store', (impl) => {
  it('inserts once per id, with its event in the same step; a second insert of the id finds the first', async () => {
    const { customers, events } = impl.make();
    const tenant = `t-${impl.name}-insert`;
    const record = customerRecord(tenant, Date.now(), 'a@example.com');
    const created = event('customer.created', record.customer);
    expect(await customers.insert(record, created)).toEqual({ kind: 'created', record });
    const again = await customers.insert({ ...record, customer: { ...record.customer, email: 'other@example.com' } }, event('customer.created', {}));
    expect(again).toEqual({ kind: 'exists', record });
    expect((await events.list(tenant, { limit: 10, matches: () => true })).records.map((e) => e.id)).toEqual([created.id]);
    expect(await customers.get(tenant, record.customer.id)).toEqual(record);
    expect(await customers.get(`${tenant}-other`, record.customer.id)).toBeUndefined();
  });

  it('pages newest first with exclusive cursors and a truthful has_more, by creation and by exact email', async () => {
    const { customers } = impl.make();
    const tenant = `t-${impl.name}-list`;
    const start = Date.now() - 100_000;
    const records = Array.from({ length: 12 }, (_, i) =>
      customerRecord(tenant, start + i * 1000, i % 3 === 0 ? 'Same@Example.com' : `n${i}@example.com`),
    );
    for (const r of records) await customers.insert(r, event('customer.created', r.customer));
    const newest = ids(records).reverse();
    const page = await customers.list(tenant, { ...all, limit: 5 });
    expect([ids(page.records), page.hasMore]).toEqual([newest.slice(0, 5), true]);
    const after = await customers.list(tenant, { ...all, limit: 5, startingAfter: newest[6] });
    expect([ids(after.records), after.hasMore]).toEqual([newest.slice(7, 12), false]);
    const before = await customers.list(tenant, { ...all, limit: 3, endingBefore: newest[6] });
    expect([ids(before.records), before.hasMore]).toEqual([newest.slice(3, 6), true]);

    const same = newest.filter((_, i) => (11 - i) % 3 === 0);
    const exact = await customers.list(tenant, { index: { kind: 'email', email: 'Same@Example.com' }, window: WHOLE_HISTORY, limit: 10 });
    expect(ids(exact.records)).toEqual(same);
    expect((await customers.list(tenant, { index: { kind: 'email', email: 'same@example.com' }, window: WHOLE_HISTORY, limit: 10 })).records).toEqual(
      [],
    );
    const folded = await customers.list(tenant, { index: { kind: 'folded-email', email: 'same@example.com' }, window: WHOLE_HISTORY, limit: 10 });
    expect(ids(folded.records)).toEqual(same);

    // A cursor outside the index (another email) is placed by its creation time, as Stripe pages from the cursor object.
    const fromOther = await customers.list(tenant, {
      index: { kind: 'email', email: 'Same@Example.com' },
      window: WHOLE_HISTORY,
      limit: 10,
      startingAfter: newest[3],
    });
    expect(ids(fromOther.records)).toEqual(same.slice(1));
    const toOther = await customers.list(tenant, {
      index: { kind: 'email', email: 'Same@Example.com' },
      window: WHOLE_HISTORY,
      limit: 10,
      endingBefore: newest[4],
    });
    expect(ids(toOther.records)).toEqual(same.slice(0, 1));
    await expect(customers.list(tenant, { ...all, limit: 10, startingAfter: 'cus_not_here' })).rejects.toBeInstanceOf(UnknownCursorError);
    await expect(customers.list(tenant, { ...all, limit: 10, startingAfter: '../../etc' })).rejects.toBeInstanceOf(UnknownCursorError);
  });

  it('cuts the index to a creation window, with cursors inside and outside it', async () => {
    const { customers } = impl.make();
    const tenant = `t-${impl.name}-window`;
    const start = 1_700_000_000_000;
    const records = Array.from({ length: 10 }, (_, i) => customerRecord(tenant, start + i * 1000));
    for (const r of records) await customers.insert(r, event('customer.created', r.customer));
    const newest = ids(records).reverse();
    const window = { minMs: start + 3000, maxMs: start + 6999 }; // records 3..6
    const inWindow = await customers.list(tenant, { index: { kind: 'all' }, window, limit: 10 });
    expect(ids(inWindow.records)).toEqual(newest.slice(3, 7));
    const paged = await customers.list(tenant, { index: { kind: 'all' }, window, limit: 2 });
    expect([ids(paged.records), paged.hasMore]).toEqual([newest.slice(3, 5), true]);
    // Cursors newer and older than the window.
    expect(ids((await customers.list(tenant, { index: { kind: 'all' }, window, limit: 10, startingAfter: newest[0] })).records)).toEqual(
      newest.slice(3, 7),
    );
    expect((await customers.list(tenant, { index: { kind: 'all' }, window, limit: 10, startingAfter: newest[9] })).records).toEqual([]);
    expect(ids((await customers.list(tenant, { index: { kind: 'all' }, window, limit: 2, endingBefore: newest[9] })).records)).toEqual(
      newest.slice(5, 7),
    );
    expect((await customers.list(tenant, { index: { kind: 'all' }, window, limit: 10, endingBefore: newest[0] })).records).toEqual([]);
    expect(
      (await customers.list(tenant, { index: { kind: 'all' }, window: { minMs: start + 5000, maxMs: start + 4000 }, limit: 10 })).records,
    ).toEqual([]);
  });

  it('scans a window in chunks from a position, and resumes after a position that has left the index', async () => {
    const { customers } = impl.make();
    const tenant = `t-${impl.name}-scan`;
    const start = Date.now() - 100_000;
    const records = Array.from({ length: 7 }, (_, i) => customerRecord(tenant, start + i * 1000));
    for (const r of records) await customers.insert(r, event('customer.created', r.customer));
    const newest = ids(records).reverse();
    const first = await customers.scan(tenant, { ...all, count: 3 });
    expect([first.entries.map((e) => e.position.id), first.ended]).toEqual([newest.slice(0, 3), false]);
    const last = first.entries.at(-1)?.position;
    const second = await customers.scan(tenant, { ...all, after: last, count: 10 });
    expect([second.entries.map((e) => e.record?.customer.id), second.ended]).toEqual([newest.slice(3), true]);
    await customers.update(tenant, newest[2] ?? '', deleteChange, (next) => event('customer.deleted', next.customer));
    const resumed = await customers.scan(tenant, { ...all, after: last, count: 10 });
    expect(resumed.entries.map((e) => e.position.id)).toEqual(newest.slice(3));
  });

  it('moves a customer between email indexes when its email changes, and takes a deleted one out of every index', async () => {
    const { customers, events } = impl.make();
    const tenant = `t-${impl.name}-move`;
    const record = customerRecord(tenant, Date.now(), 'old@example.com');
    await customers.insert(record, event('customer.created', record.customer));
    const id = record.customer.id;
    const byEmail = async (email: string) =>
      ids((await customers.list(tenant, { index: { kind: 'email', email }, window: WHOLE_HISTORY, limit: 10 })).records);
    const updated = await customers.update(
      tenant,
      id,
      (current) => ({ ...current, customer: { ...current.customer, email: 'new@example.com' } }),
      (next) => event('customer.updated', next.customer),
    );
    expect(updated.kind).toBe('updated');
    expect([await byEmail('old@example.com'), await byEmail('new@example.com')]).toEqual([[], [id]]);
    const deleted = await customers.update(tenant, id, deleteChange, (next) => event('customer.deleted', next.customer));
    expect(deleted).toMatchObject({ kind: 'updated', record: { version: 3, customer: { id, deleted: true } } });
    expect(await byEmail('new@example.com')).toEqual([]);
    expect((await customers.list(tenant, { ...all, limit: 10 })).records).toEqual([]);
    expect((await customers.get(tenant, id))?.customer).toEqual({ id, object: 'customer', deleted: true });
    const types = (await events.list(tenant, { limit: 10, matches: () => true })).records.map((e) => e.type);
    expect(types).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    expect(await customers.update(tenant, 'cus_missing', deleteChange, (next) => event('x', next.customer))).toEqual({ kind: 'missing' });
  });

  it('applies concurrent updates without losing any, each with its own event (compare-and-set)', async () => {
    const { customers, events } = impl.make();
    const tenant = `t-${impl.name}-cas`;
    const record = customerRecord(tenant, Date.now());
    await customers.insert(record, event('customer.created', record.customer));
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        customers.update(
          tenant,
          record.customer.id,
          (current) => {
            const customer = current.customer as StoredCustomer;
            return { ...current, customer: { ...customer, metadata: { ...customer.metadata, [`k${i}`]: 'v' } } };
          },
          (next) => event('customer.updated', next.customer),
        ),
      ),
    );
    expect(results.every((r) => r.kind === 'updated')).toBe(true);
    const stored = await customers.get(tenant, record.customer.id);
    expect(Object.keys((stored?.customer as { metadata: object }).metadata)).toHaveLength(25);
    expect(stored?.version).toBe(26);
    expect((await events.list(tenant, { limit: 100, matches: () => true })).records).toHaveLength(26);
  });
});

describe('redis customer store keys', () => {
  it('keeps no client string in a key name (emails are digested) and sets no TTL on a customer', async () => {
    const customers = createRedisCustomerStore(redisSetup.redis, redisSetup.keysFor);
    const tenant = 't-redis-keys';
    const record = customerRecord(tenant, Date.now(), 'Secret.Person@example.com');
    await customers.insert(record, event('customer.created', record.customer));
    const keys = await redisSetup.redis.keys(`${redisSetup.prefix}:{${tenant}}:*`);
    expect(keys.some((key) => key.toLowerCase().includes('secret.person'))).toBe(false);
    expect(keys.filter((key) => key.includes(':customers:email')).length).toBe(2);
    expect(await redisSetup.redis.ttl(redisSetup.keysFor(tenant).customer(record.customer.id))).toBe(-1);
  });
});
