import { loopsEventDone, EVENT_RETENTION_SECONDS, loopsEventRecordSchema, storedEventSchema, type EventStore, type StoredEvent } from './event-store';
import { digest, type TenantKeys } from './keys';
import { luaScript } from './lua-script';
import { scanPage } from './list-scan';
import type { RedisClient } from './redis-connection';
import { RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { redisCall } from './store-unavailable';

/**
 * Record the event unless its dedupe key exists; event, index and outbox change in one step.
 * Returns the id that holds the dedupe key (the new one, or the earlier event's).
 */
const recordOnce = luaScript(`${RECORD_EVENT_LUA}
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
record_event(KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return ARGV[1]`);

/**
 * One endpoint has the event: a set member per endpoint (so a second 2xx counts once), expiring
 * with the event itself, so nothing about an event outlives it (no per-tenant hash to trim).
 */
const markDelivered = luaScript(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1`);

export function createRedisEventStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, now: () => number = Date.now): EventStore {
  /** The stored count is the endpoints the event was for; pending is those without a 2xx yet. */
  const parse = (json: string | null, deliveredCount: number): StoredEvent | undefined => {
    if (json === null) return undefined;
    const event = storedEventSchema.parse(JSON.parse(json));
    event.pending_webhooks = Math.max(0, event.pending_webhooks - deliveredCount);
    return event;
  };

  async function get(tenantId: string, id: string) {
    const keys = keysFor(tenantId);
    const [json, delivered] = await redisCall(() => Promise.all([redis.get(keys.event(id)), redis.scard(keys.eventDeliveredTo(id))]));
    return parse(json, delivered);
  }

  return {
    async record(tenantId, event, dedupeKey) {
      const keys = keysFor(tenantId);
      const write = recordEventParams(keys, event, now());
      const holder = await redisCall(() => recordOnce(redis, [keys.eventOnce(dedupeKey), ...write.keys], write.args));
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
            const [events, delivered] = await redisCall(() =>
              Promise.all([redis.mget(ids.map((id) => keys.event(id))), Promise.all(ids.map((id) => redis.scard(keys.eventDeliveredTo(id))))]),
            );
            return events.map((json, i) => parse(json, delivered[i] ?? 0));
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
    async delivered(tenantId, eventId, endpointUrl) {
      const keys = keysFor(tenantId);
      await redisCall(() => markDelivered(redis, [keys.event(eventId), keys.eventDeliveredTo(eventId)], [digest(endpointUrl)]));
    },
    async deliveredEndpoints(tenantId, eventId, endpointUrls) {
      const members = new Set(await redisCall(() => redis.smembers(keysFor(tenantId).eventDeliveredTo(eventId))));
      return endpointUrls.filter((url) => members.has(digest(url)));
    },
    async loopsEventHandled(tenantId, loopsEventId) {
      const json = await redisCall(() => redis.get(keysFor(tenantId).loopsEvent(loopsEventId)));
      return json !== null && loopsEventDone(loopsEventRecordSchema.parse(JSON.parse(json)));
    },
    async recordLoopsEvent(tenantId, loopsEventId, record) {
      await redisCall(() => redis.set(keysFor(tenantId).loopsEvent(loopsEventId), JSON.stringify(record), 'EX', EVENT_RETENTION_SECONDS));
    },
    async loopsEvent(tenantId, loopsEventId) {
      const json = await redisCall(() => redis.get(keysFor(tenantId).loopsEvent(loopsEventId)));
      return json === null ? undefined : loopsEventRecordSchema.parse(JSON.parse(json));
    },
  };
}
