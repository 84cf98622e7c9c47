import type Redis from 'ioredis';
import { EVENT_RETENTION_SECONDS, type StoredEvent } from '../../src/store/event-store';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { createMemoryIdempotencyStore } from '../../src/store/memory-idempotency-store';
import { createMemoryMappingStore } from '../../src/store/memory-mapping-store';
import { createMemorySessionStore } from '../../src/store/memory-session-store';
import { createRedisIdempotencyStore } from '../../src/store/redis-idempotency-store';
import { createRedisMappingStore } from '../../src/store/redis-mapping-store';
import { MAX_TOMBSTONES } from '../../src/store/mapping-store';
import { createRedisSessionStore } from '../../src/store/redis-session-store';
import { UnknownCursorError } from '../../src/store/session-store';
import type { MappingFile } from '../../src/mappings/mapping-file';
import { testRedis } from '../helpers/redis-client';
import { sessionRecord } from '../helpers/session-records';
import type { SessionRecord } from '../../src/store/session-record';

const redisSetup = testRedis();
afterAll(() => (redisSetup.redis as Redis).quit());

const implementations = [
  {
    name: 'redis',
    sessions: () => createRedisSessionStore(redisSetup.redis, redisSetup.keysFor),
    idempotency: (lockSeconds = 60) => createRedisIdempotencyStore(redisSetup.redis, redisSetup.keysFor, lockSeconds),
    mappings: () => createRedisMappingStore(redisSetup.redis, redisSetup.keysFor),
    events: () => createRedisEventStore(redisSetup.redis, redisSetup.keysFor),
    /** A catalog, the event log its writes record to and the idempotency store its answers go to. */
    catalogWithEvents: () => {
      const idempotency = createRedisIdempotencyStore(redisSetup.redis, redisSetup.keysFor, 60);
      return {
        mappings: createRedisMappingStore(redisSetup.redis, redisSetup.keysFor),
        events: createRedisEventStore(redisSetup.redis, redisSetup.keysFor),
        idempotency,
      };
    },
    /** A session store and the event log its transitions write to. */
    sessionsWithEvents: () => {
      const events = createRedisEventStore(redisSetup.redis, redisSetup.keysFor);
      return { sessions: createRedisSessionStore(redisSetup.redis, redisSetup.keysFor), events };
    },
  },
  {
    name: 'memory',
    sessions: () => createMemorySessionStore(createMemoryEventStore()),
    idempotency: (lockSeconds = 60) => createMemoryIdempotencyStore(lockSeconds),
    mappings: createMemoryMappingStore,
    events: () => createMemoryEventStore(),
    catalogWithEvents: () => {
      const events = createMemoryEventStore();
      const idempotency = createMemoryIdempotencyStore(60);
      return { mappings: createMemoryMappingStore(events, idempotency), events, idempotency };
    },
    sessionsWithEvents: () => {
      const events = createMemoryEventStore();
      return { sessions: createMemorySessionStore(events), events };
    },
  },
];

function stripeEvent(id: string, pendingWebhooks: number, object: Record<string, unknown> = { id: 'cs_x', object: 'checkout.session' }): StoredEvent {
  return {
    id,
    object: 'event',
    type: 'checkout.session.expired',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: pendingWebhooks,
    data: { object },
  };
}

let counter = 0;
function record(tenantId: string, createdMs: number, status: 'open' | 'complete' = 'open') {
  counter += 1;
  return sessionRecord({ id: `cs_${String(counter).padStart(6, '0')}`, tenantId, createdMs, status });
}

describe.each(implementations)('$name stores', (impl) => {
  describe('sessions', () => {
    it('pages newest first with exclusive cursors, filters, and a truthful has_more', async () => {
      const store = impl.sessions();
      const tenant = `t-${impl.name}-page`;
      const start = Date.now() - 60_000;
      const records = Array.from({ length: 25 }, (_, i) => record(tenant, start + i * 1000, i % 5 === 0 ? 'complete' : 'open'));
      for (const r of records) await store.insert(r);
      const ids = records.map((r) => r.session.id).reverse();
      const all = () => true;
      expect((await store.list(tenant, { limit: 10, matches: all })).records.map((r) => r.session.id)).toEqual(ids.slice(0, 10));
      const after = await store.list(tenant, { limit: 10, startingAfter: ids[19], matches: all });
      expect([after.records.map((r) => r.session.id), after.hasMore]).toEqual([ids.slice(20), false]);
      const before = await store.list(tenant, { limit: 3, endingBefore: ids[10], matches: all });
      expect([before.records.map((r) => r.session.id), before.hasMore]).toEqual([ids.slice(7, 10), true]);
      const complete = await store.list(tenant, { limit: 100, matches: (r) => r.session.status === 'complete' });
      expect(complete.records.map((r) => r.session.id)).toEqual(ids.filter((_, i) => (24 - i) % 5 === 0));
      await expect(store.list(tenant, { limit: 1, startingAfter: 'cs_nope', matches: all })).rejects.toBeInstanceOf(UnknownCursorError);
      expect((await store.list(`${tenant}-other`, { limit: 10, matches: all })).records).toEqual([]);
    });

    it('applies concurrent updates without losing any (compare-and-set)', async () => {
      const store = impl.sessions();
      const tenant = `t-${impl.name}-cas`;
      const r = record(tenant, Date.now());
      await store.insert(r);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.update(tenant, r.session.id, (current) => {
            current.session.metadata[`k${i}`] = String(i);
            return current;
          }),
        ),
      );
      const stored = await store.get(tenant, r.session.id);
      expect(Object.keys(stored?.session.metadata ?? {})).toHaveLength(30);
      expect(stored?.version).toBe(31);
    });

    it('starts from a record read earlier, and a stale one loses no write and answers for what is stored', async () => {
      const store = impl.sessions();
      const tenant = `t-${impl.name}-seen`;
      const r = record(tenant, Date.now());
      await store.insert(r);
      const seen = await store.get(tenant, r.session.id);
      if (!seen) throw new Error('inserted session not found');
      // Another writer changes the session after `seen` was read.
      await store.update(tenant, r.session.id, (current) => {
        current.session.metadata.first = '1';
        return current;
      });
      // A change that would leave the stale record as it is, but not the stored one.
      const needsFirst = (current: SessionRecord) => {
        if (current.session.metadata.first === undefined) return undefined;
        current.session.metadata.second = '2';
        return current;
      };
      const result = await store.update(tenant, r.session.id, needsFirst, undefined, seen);
      expect(result.kind).toBe('updated');
      const stored = await store.get(tenant, r.session.id);
      expect(stored?.session.metadata).toMatchObject({ first: '1', second: '2' });
      expect(stored?.version).toBe(seen.version + 2);
      // A current `seen` is written from as it is.
      const fresh = await store.get(tenant, r.session.id);
      const third = await store.update(
        tenant,
        r.session.id,
        (current) => {
          current.session.metadata.third = '3';
          return current;
        },
        undefined,
        fresh,
      );
      expect(third.kind === 'updated' && third.record.session.metadata).toMatchObject({ first: '1', second: '2', third: '3' });
    });

    it('lets exactly one of many concurrent writers win a transition', async () => {
      const store = impl.sessions();
      const tenant = `t-${impl.name}-transition`;
      const r = record(tenant, Date.now());
      await store.insert(r);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.update(tenant, r.session.id, (current) => {
            if (current.session.status !== 'open') return undefined;
            current.session.status = 'complete';
            return current;
          }),
        ),
      );
      expect(results.filter((result) => result.kind === 'updated')).toHaveLength(1);
      expect(await store.update(tenant, 'cs_missing', (c) => c)).toEqual({ kind: 'missing' });
    });
  });

  describe('session update lock', () => {
    it('is held by one token at a time, released only by its holder, and lapses with its lease', async () => {
      const store = impl.sessions();
      const tenant = `t-${impl.name}-lock`;
      expect(await store.lockForUpdate(tenant, 'cs_locked', 'first', 200)).toBe(true);
      expect(await store.lockForUpdate(tenant, 'cs_locked', 'second', 200)).toBe(false);
      // Another session, another tenant: their own locks.
      expect(await store.lockForUpdate(tenant, 'cs_other', 'second', 200)).toBe(true);
      expect(await store.lockForUpdate(`${tenant}-b`, 'cs_locked', 'second', 200)).toBe(true);
      await store.unlockForUpdate(tenant, 'cs_locked', 'second');
      expect(await store.lockForUpdate(tenant, 'cs_locked', 'third', 200)).toBe(false);
      await store.unlockForUpdate(tenant, 'cs_locked', 'first');
      expect(await store.lockForUpdate(tenant, 'cs_locked', 'third', 100)).toBe(true);
      // A holder that died: the lease lapses.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.lockForUpdate(tenant, 'cs_locked', 'fourth', 100)).toBe(true);
    });
  });

  describe('session transitions and their events', () => {
    it('records the event a transition announces in the same step as the session, and only for a real change', async () => {
      const { sessions, events } = impl.sessionsWithEvents();
      const tenant = `t-${impl.name}-announce`;
      const r = record(tenant, Date.now());
      await sessions.insert(r);
      const expire = (current: SessionRecord) => {
        if (current.session.status !== 'open') return undefined;
        current.session.status = 'expired';
        return current;
      };
      const announce = (next: SessionRecord) => stripeEvent(`evt_${next.session.id}_${next.version}`, 1, { id: next.session.id });
      const first = await sessions.update(tenant, r.session.id, expire, announce);
      if (first.kind !== 'updated' || !first.announced) throw new Error(`expected an announced transition, got ${first.kind}`);
      expect(first.announced.id).toBe(`evt_${r.session.id}_2`);
      expect(await events.get(tenant, first.announced.id)).toMatchObject({ id: first.announced.id, pending_webhooks: 1 });
      expect(await events.outbox(tenant, Date.now() + 1000, 10)).toEqual([first.announced.id]);
      // Settled already: nothing changes, nothing is announced.
      const again = await sessions.update(tenant, r.session.id, expire, announce);
      expect(again.kind).toBe('unchanged');
      expect((await events.list(tenant, { limit: 10, matches: () => true })).records.map((e) => e.id)).toEqual([first.announced.id]);
      expect(await sessions.countDueForExpiry(tenant, Number.MAX_SAFE_INTEGER)).toBe(0);
    });

    it('lets the sweep claim due sessions, look at one again later, and forget one whose record is gone', async () => {
      const store = impl.sessions();
      const tenant = `t-${impl.name}-retry-at`;
      const due = sessionRecord({ id: 'cs_due_a', tenantId: tenant, createdMs: Date.now(), expiresAt: 1000 });
      const other = sessionRecord({ id: 'cs_due_b', tenantId: tenant, createdMs: Date.now(), expiresAt: 1001 });
      await store.insert(due);
      await store.insert(other);
      expect(await store.countDueForExpiry(tenant, 2000)).toBe(2);
      // Earliest first, at most `limit`; claimed sessions are not due again until the claim lapses.
      expect(await store.claimDueForExpiry(tenant, 2000, 1, 3000)).toEqual(['cs_due_a']);
      expect(await store.claimDueForExpiry(tenant, 2000, 10, 3000)).toEqual(['cs_due_b']);
      expect(await store.claimDueForExpiry(tenant, 2000, 10, 3000)).toEqual([]);
      expect(await store.countDueForExpiry(tenant, 2000)).toBe(0);
      await store.retryExpiryAt(tenant, 'cs_due_a', 5000);
      expect(await store.countDueForExpiry(tenant, 4000)).toBe(1);
      expect(await store.claimDueForExpiry(tenant, 5000, 10, 6000)).toEqual(['cs_due_b', 'cs_due_a']);
      await store.dropFromExpiryIndex(tenant, 'cs_due_b');
      expect(await store.claimDueForExpiry(tenant, 6000, 10, 7000)).toEqual(['cs_due_a']);
      // A session that settled meanwhile is not put back.
      await store.update(tenant, 'cs_due_a', (current) => ({ ...current, session: { ...current.session, status: 'complete' } }));
      await store.retryExpiryAt(tenant, 'cs_due_a', 6000);
      expect(await store.claimDueForExpiry(tenant, 9000, 10, 9000)).toEqual([]);
    });
  });

  describe('events', () => {
    it('counts pending_webhooks per endpoint: another 2xx from an endpoint that already has the event changes nothing', async () => {
      const store = impl.events();
      const tenant = `t-${impl.name}-pending`;
      const event = stripeEvent(`evt_pending_${impl.name}`, 2);
      await store.record(tenant, event, `dedupe-${event.id}`);
      await store.delivered(tenant, event.id, 'https://a.example/hook');
      await store.delivered(tenant, event.id, 'https://a.example/hook');
      expect((await store.get(tenant, event.id))?.pending_webhooks).toBe(1);
      expect((await store.list(tenant, { limit: 10, matches: () => true })).records[0]?.pending_webhooks).toBe(1);
      expect(await store.deliveredEndpoints(tenant, event.id, ['https://a.example/hook', 'https://b.example/hook'])).toEqual([
        'https://a.example/hook',
      ]);
      await store.delivered(tenant, event.id, 'https://b.example/hook');
      expect((await store.get(tenant, event.id))?.pending_webhooks).toBe(0);
      expect(await store.delivered(tenant, 'evt_gone', 'https://a.example/hook')).toBeUndefined();
      expect(await store.deliveredEndpoints(tenant, 'evt_gone', ['https://a.example/hook'])).toEqual([]);
    });

    if (impl.name === 'redis') {
      it('keeps every per-event record with an expiry: nothing outlives its event', async () => {
        const store = impl.events();
        const tenant = `t-${impl.name}-ttl`;
        for (let i = 0; i < 3; i++) {
          const event = stripeEvent(`evt_ttl_${i}`, 1);
          await store.record(tenant, event, `dedupe-ttl-${i}`);
          await store.delivered(tenant, event.id, 'https://a.example/hook');
        }
        const redis = redisSetup.redis as Redis;
        const keys = await redis.keys(`${redisSetup.prefix}:{${tenant}}:*`);
        const lasting = [];
        for (const key of keys) {
          const ttl = await redis.ttl(key);
          expect(ttl).toBeLessThanOrEqual(EVENT_RETENTION_SECONDS);
          if (ttl === -1) lasting.push(key);
        }
        // Only the two indexes last, both trimmed as events age out, and the one-word marker that
        // the tenant's list indexes are complete (list indexes by type and delivery expire).
        const keys_ = redisSetup.keysFor(tenant);
        expect(lasting.sort()).toEqual([keys_.eventIndex, keys_.eventOutbox, keys_.eventsIndexed].sort());
        expect(keys.length).toBeGreaterThan(6);
      });
    }
  });

  describe('idempotency', () => {
    it('lets exactly one concurrent request start a key, then replays and detects mismatches', async () => {
      const store = impl.idempotency();
      const key = `k-${impl.name}`;
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => store.begin('t1', key, 'fp', `op-${key}`, 1000 + i)));
      expect(outcomes.filter((o) => o.kind === 'started')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'in_flight')).toHaveLength(9);
      await store.complete('t1', key, 'fp', { status: 200, body: '{"id":"x"}', requestId: 'req_1' });
      expect(await store.begin('t1', key, 'fp', `op-${key}`, 2000)).toEqual({
        kind: 'replay',
        response: { status: 200, body: '{"id":"x"}', requestId: 'req_1' },
      });
      expect(await store.begin('t1', key, 'other', `op-${key}-other`, 2000)).toEqual({ kind: 'mismatch' });
      expect((await store.begin('t2', key, 'fp', `op-${key}`, 2000)).kind).toBe('started');
    });

    it('releases only a lock it still holds; a retry after release keeps the first start time', async () => {
      const store = impl.idempotency();
      const key = `r-${impl.name}`;
      const first = await store.begin('t1', key, 'fp', `op-${key}`, 1111);
      if (first.kind !== 'started') throw new Error('expected to start');
      expect(first.startedAtMs).toBe(1111);
      await store.release('t1', key, 'someone-else', `op-${key}`, false);
      expect((await store.begin('t1', key, 'fp', `op-${key}`, 2222)).kind).toBe('in_flight');
      await store.release('t1', key, first.token, `op-${key}`, false);
      const retry = await store.begin('t1', key, 'fp', `op-${key}`, 3333);
      expect(retry).toMatchObject({ kind: 'started', startedAtMs: 1111 });
      // A refused request forgets its pin as well: the next attempt starts its own clock.
      if (retry.kind !== 'started') throw new Error('expected to start');
      await store.release('t1', key, retry.token, `op-${key}`, true);
      expect(await store.begin('t1', key, 'fp', `op-${key}`, 4444)).toMatchObject({ kind: 'started', startedAtMs: 4444 });
    });

    it('keeps with the operation what an attempt left: an unanswered create’s window, never lowered, never forgotten', async () => {
      const store = impl.idempotency();
      const key = `u-${impl.name}`;
      const operation = `op-${key}`;
      const first = await store.begin('t1', key, 'fp', operation, 1000);
      expect(first).toMatchObject({ kind: 'started', earlier: null, lockedUntilMs: 61_000 });
      if (first.kind !== 'started') throw new Error('expected to start');
      expect(await store.noteUnresolved('t1', operation, 5000)).toBe(true);
      expect(await store.noteUnresolved('t1', operation, 4000)).toBe(true);
      // Asked to forget (a 4xx), a record holding an unresolved create stays.
      await store.release('t1', key, first.token, operation, true);
      const retry = await store.begin('t1', key, 'fp', operation, 2000);
      expect(retry).toMatchObject({ kind: 'started', startedAtMs: 1000, earlier: { unresolvedUntilMs: 5000, unfinishedLockEndMs: null } });
      if (retry.kind !== 'started') throw new Error('expected to start');
      await store.release('t1', key, retry.token, operation, false);
      expect(await store.begin('t1', key, 'fp', operation, 3000)).toMatchObject({ earlier: { unresolvedUntilMs: 5000, unfinishedLockEndMs: null } });
      // No record (never begun, or expired): nothing to note, and the caller is told.
      expect(await store.noteUnresolved('t1', `op-${key}-unknown`, 5000)).toBe(false);
    });

    it('shows the next attempt that the last one never ended (its gateway died), and when its lock lapsed', async () => {
      const store = impl.idempotency(1);
      const key = `c-${impl.name}`;
      const operation = `op-${key}`;
      expect(await store.begin('t1', key, 'fp', operation, 7000)).toMatchObject({ kind: 'started', earlier: null });
      // No release: the lock lapses on its own.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const next = await store.begin('t1', key, 'fp', operation, 9000);
      expect(next).toMatchObject({ kind: 'started', startedAtMs: 7000, earlier: { unresolvedUntilMs: 0, unfinishedLockEndMs: 8000 } });
      if (next.kind !== 'started') throw new Error('expected to start');
      await store.release('t1', key, next.token, operation, false);
      expect(await store.begin('t1', key, 'fp', operation, 9500)).toMatchObject({ earlier: { unresolvedUntilMs: 0, unfinishedLockEndMs: null } });
    });
  });

  describe('mappings', () => {
    const file = (amount: number): MappingFile => ({
      version: 1,
      prices: { price_a: { loopsProductId: 'lp_a', productName: 'A', currency: 'usd', unitAmount: amount, recurring: null } },
      products: { prod_a: { name: 'A' } },
    });

    it('replaces a tenant’s whole mapping at once and adds entries', async () => {
      const store = impl.mappings();
      await store.replaceAll('acme', file(100));
      await store.replaceAll('acme', file(200));
      expect((await store.getPrice('acme', 'price_a'))?.unitAmount).toBe(200);
      expect(await store.getProduct('acme', 'prod_a')).toEqual({ name: 'A' });
      expect(await store.getPrice('globex', 'price_a')).toBeUndefined();
      await store.putEntries(
        'acme',
        { price_b: { loopsPaymentLinkId: 'pl_b', productName: 'B', currency: 'jpy', unitAmount: 5, recurring: null } },
        {},
      );
      expect(Object.keys(await store.allPrices('acme')).sort()).toEqual(['price_a', 'price_b']);
      await store.replaceAll('acme', { version: 1, prices: {}, products: {} });
      expect(await store.allPrices('acme')).toEqual({});
    });

    const tenant = () => `catalog-${impl.name}-${++counter}`;
    const entry = (amount: number, apiRevision?: number) => ({
      loopsProductId: `lp_${amount}`,
      productName: 'P',
      currency: 'usd',
      unitAmount: amount,
      recurring: null,
      ...(apiRevision !== undefined ? { apiRevision } : {}),
    });

    it('commits a change with its events and answer only at the version it was planned on', async () => {
      const { mappings, events, idempotency } = impl.catalogWithEvents();
      const t = tenant();
      const snapshot = await mappings.snapshot(t);
      expect(snapshot).toEqual({ version: 0, prices: {}, products: {}, tombstones: {} });
      const begun = await idempotency.begin(t, 'key-1', 'fp-1', 'op-1', Date.now());
      expect(begun.kind).toBe('started');
      const answer = { key: 'key-1', fingerprint: 'fp-1', response: { status: 200, body: '{"id":"price_1"}', requestId: 'req_1' } };
      const change = {
        prices: { price_1: entry(100, 5) },
        products: { prod_1: { name: 'One', apiRevision: 5 } },
        events: [
          stripeEvent('evt_catalog_1', 0, { id: 'prod_1', object: 'product' }),
          stripeEvent('evt_catalog_2', 0, { id: 'price_1', object: 'price' }),
        ],
        answer,
      };
      expect(await mappings.commit(t, 0, change)).toBe(true);
      // Planned on a version that is gone: nothing written.
      expect(await mappings.commit(t, 0, { prices: { price_2: entry(200) } })).toBe(false);
      expect(await mappings.catalogVersion(t)).toBe(1);
      const after = await mappings.snapshot(t);
      expect(after).toEqual({
        version: 1,
        prices: { price_1: entry(100, 5) },
        products: { prod_1: { name: 'One', apiRevision: 5 } },
        tombstones: {},
      });
      expect((await events.get(t, 'evt_catalog_1'))?.data.object).toEqual({ id: 'prod_1', object: 'product' });
      expect(await events.get(t, 'evt_catalog_2')).toBeDefined();
      // Recorded in generation order, and in the outbox for delivery.
      expect((await events.list(t, { limit: 10, matches: () => true })).records.map((e) => e.id)).toEqual(['evt_catalog_2', 'evt_catalog_1']);
      expect(await events.outbox(t, Date.now() + 60_000, 10)).toEqual(expect.arrayContaining(['evt_catalog_1', 'evt_catalog_2']));
      expect(await idempotency.begin(t, 'key-1', 'fp-1', 'op-1', Date.now())).toMatchObject({ kind: 'replay', response: answer.response });

      expect(await mappings.commit(t, 1, { deletedProducts: { prod_1: 9 } })).toBe(true);
      expect(await mappings.snapshot(t)).toMatchObject({ version: 2, products: {}, tombstones: { prod_1: 9 } });
      // Made again: the tombstone goes.
      expect(await mappings.commit(t, 2, { products: { prod_1: { name: 'Again' } } })).toBe(true);
      expect(await mappings.snapshot(t)).toMatchObject({ version: 3, products: { prod_1: { name: 'Again' } }, tombstones: {} });
    });

    it('putEntries (the batch tool) keeps entries changed through the API more recently, and products deleted through it', async () => {
      const store = impl.mappings();
      const t = tenant();
      await store.commit(t, 0, { prices: { price_api: entry(100, 50), price_old: entry(100, 10) }, deletedProducts: { prod_gone: 50 } });
      const kept = await store.putEntries(
        t,
        { price_api: entry(999), price_old: entry(300, 20), price_new: entry(400) },
        { prod_gone: { name: 'Back?' }, prod_new: { name: 'New' } },
      );
      expect(kept.sort()).toEqual(['price_api', 'prod_gone']);
      const snapshot = await store.snapshot(t);
      expect(snapshot.prices).toEqual({ price_api: entry(100, 50), price_old: entry(300, 20), price_new: entry(400) });
      expect(snapshot.products).toEqual({ prod_new: { name: 'New' } });
      expect(snapshot.version).toBe(2);
    });

    it('replaceAt swaps a whole catalog only at the version it was read at', async () => {
      const store = impl.mappings();
      const t = tenant();
      await store.replaceAll(t, file(100));
      const version = await store.catalogVersion(t);
      await store.commit(t, version, { prices: { price_b: entry(5, 1) } });
      expect(await store.replaceAt(t, version, file(300), {})).toBe(false);
      expect((await store.getPrice(t, 'price_a'))?.unitAmount).toBe(100);
      expect(await store.replaceAt(t, version + 1, file(300), { prod_x: 7 })).toBe(true);
      expect(await store.snapshot(t)).toEqual({
        version: version + 2,
        prices: file(300).prices,
        products: file(300).products,
        tombstones: { prod_x: 7 },
      });
    });

    it('remembers at most MAX_TOMBSTONES deleted products, forgetting the oldest', async () => {
      const store = impl.mappings();
      const t = tenant();
      const deleted = Object.fromEntries(Array.from({ length: MAX_TOMBSTONES + 2 }, (_, i) => [`prod_${i}`, 1000 + i]));
      expect(await store.commit(t, 0, { deletedProducts: deleted })).toBe(true);
      const { tombstones } = await store.snapshot(t);
      expect(Object.keys(tombstones)).toHaveLength(MAX_TOMBSTONES);
      expect(tombstones.prod_0).toBeUndefined();
      expect(tombstones.prod_1).toBeUndefined();
      expect(tombstones[`prod_${MAX_TOMBSTONES + 1}`]).toBe(1000 + MAX_TOMBSTONES + 1);
    });
  });
});
