import { EVENT_RETENTION_SECONDS, loopsEventRecordSchema, storedEventSchema, type EventStore, type StoredEvent } from './event-store';
import type { TenantKeys } from './keys';
import { luaScript } from './lua-script';
import { scanPage } from './list-scan';
import type { RedisClient } from './redis-connection';
import { redisCall } from './store-unavailable';

/**
 * Record the event unless its dedupe key exists; event, index, outbox and pending count change in
 * one step. Returns the id that holds the dedupe key (the new one, or the earlier event's).
 */
const recordOnce = luaScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[6])
return ARGV[1]`);

export function createRedisEventStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, now: () => number = Date.now): EventStore {
  const parse = (json: string | null, pending: string | null): StoredEvent | undefined => {
    if (json === null) return undefined;
    const event = storedEventSchema.parse(JSON.parse(json));
    // The live count is kept beside the event: rewriting the event JSON in Lua would reorder it.
    if (pending !== null) event.pending_webhooks = Math.max(0, Number(pending));
    return event;
  };

  async function get(tenantId: string, id: string) {
    const keys = keysFor(tenantId);
    const [json, pending] = await redisCall(() => Promise.all([redis.get(keys.event(id)), redis.hget(keys.eventPending, id)]));
    return parse(json, pending);
  }

  return {
    async record(tenantId, event, dedupeKey) {
      const keys = keysFor(tenantId);
      const createdMs = now();
      const holder = await redisCall(() =>
        recordOnce(
          redis,
          [keys.eventOnce(dedupeKey), keys.event(event.id), keys.eventIndex, keys.eventOutbox, keys.eventPending],
          [event.id, JSON.stringify(event), createdMs, EVENT_RETENTION_SECONDS, createdMs - EVENT_RETENTION_SECONDS * 1000, event.pending_webhooks],
        ),
      );
      if (holder === event.id) return { event, created: true };
      const earlier = await get(tenantId, String(holder));
      if (!earlier) throw new Error(`event ${String(holder)} holds dedupe key ${dedupeKey} but is gone`);
      return { event: earlier, created: false };
    },
    get,
    list(tenantId, query) {
      const keys = keysFor(tenantId);
      return scanPage(
        {
          rankOf: async (id) => (await redisCall(() => redis.zrevrank(keys.eventIndex, id))) ?? undefined,
          range: async (start, stop) => {
            const ids = await redisCall(() => redis.zrevrange(keys.eventIndex, start, stop));
            if (ids.length === 0) return [];
            const [events, pending] = await redisCall(() =>
              Promise.all([redis.mget(ids.map((id) => keys.event(id))), redis.hmget(keys.eventPending, ...ids)]),
            );
            return events.map((json, i) => parse(json, pending[i] ?? null));
          },
        },
        query,
      );
    },
    async outbox(tenantId, beforeMs, limit) {
      return redisCall(() => redis.zrangebyscore(keysFor(tenantId).eventOutbox, '-inf', beforeMs, 'LIMIT', 0, limit));
    },
    async leaveOutbox(tenantId, eventId) {
      await redisCall(() => redis.zrem(keysFor(tenantId).eventOutbox, eventId));
    },
    async delivered(tenantId, eventId) {
      await redisCall(() => redis.hincrby(keysFor(tenantId).eventPending, eventId, -1));
    },
    async loopsEventHandled(tenantId, loopsEventId) {
      return (await redisCall(() => redis.exists(keysFor(tenantId).loopsEvent(loopsEventId)))) === 1;
    },
    async markLoopsEventHandled(tenantId, loopsEventId, record) {
      await redisCall(() => redis.set(keysFor(tenantId).loopsEvent(loopsEventId), JSON.stringify(record), 'EX', EVENT_RETENTION_SECONDS));
    },
    async loopsEvent(tenantId, loopsEventId) {
      const json = await redisCall(() => redis.get(keysFor(tenantId).loopsEvent(loopsEventId)));
      return json === null ? undefined : loopsEventRecordSchema.parse(JSON.parse(json));
    },
  };
}
