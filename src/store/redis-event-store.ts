import { eventScore, eventTerm, eventTerms } from './event-indexes';
import { loopsEventDone, EVENT_RETENTION_SECONDS, loopsEventRecordSchema, storedEventSchema, type EventStore, type StoredEvent } from './event-store';
import { digest, type TenantKeys } from './keys';
import { listPage } from './list-scan';
import { luaScript } from './lua-script';
import type { RedisClient } from './redis-connection';
import { RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { INDEX_ADD_LUA, redisIndexBuild, redisIndexSource } from './redis-list-index';
import { redisCall } from './store-unavailable';
import { inOneWrite } from './one-write';

/**
 * Record the event unless its dedupe key exists; event, indexes and outbox change in one step.
 * Returns the id that holds the dedupe key (the new one, or the earlier event's).
 */
const recordOnce = luaScript(`${INDEX_ADD_LUA}${RECORD_EVENT_LUA}
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
record_event(slice(KEYS, 2, 7), slice(ARGV, 1, 6))
return ARGV[1]`);

/**
 * One endpoint has the event: a set member per endpoint (so a second 2xx counts once), expiring
 * with the event itself, so nothing about an event outlives it (no per-tenant hash to trim). When
 * the last endpoint has it, the event moves from the `delivery_success=false` index to the `true` one.
 * KEYS: event, its delivered set, main index, pending index, done index. ARGV: endpoint digest,
 * event id, retention (s), trim before (ms).
 */
const markDelivered = luaScript(`${INDEX_ADD_LUA}
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
local event = cjson.decode(redis.call('GET', KEYS[1]))
if redis.call('SCARD', KEYS[2]) < tonumber(event.pending_webhooks) then return 1 end
local score = redis.call('ZSCORE', KEYS[3], ARGV[2])
if score and not redis.call('ZSCORE', KEYS[5], ARGV[2]) then
  redis.call('ZREM', KEYS[4], ARGV[2])
  index_add(KEYS[5], score, ARGV[2], ARGV[3], ARGV[4])
end
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

  async function load(keys: TenantKeys, ids: string[]) {
    if (ids.length === 0) return [];
    // The events, and per event how many endpoints have it (one SCARD each, in one write): one round trip.
    const [events, delivered] = await redisCall(() =>
      Promise.all([
        redis.mget(ids.map((id) => keys.event(id))),
        inOneWrite(redis, (pipeline) => ids.forEach((id) => pipeline.scard(keys.eventDeliveredTo(id)))),
      ]),
    );
    return events.map((json, i) => parse(json, (delivered[i] as number | undefined) ?? 0));
  }

  const build = redisIndexBuild(redis, now);
  const buildKeys = (keys: TenantKeys) => ({ main: keys.eventIndex, indexed: keys.eventsIndexed, progress: keys.eventsIndexBuild });

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
    async list(tenantId, query) {
      const keys = keysFor(tenantId);
      const source = redisIndexSource(redis, keys.eventIndex, keys.eventsBy, (ids) => load(keys, ids));
      // Until the indexes cover every event, the walk reads them all, as before the indexes.
      return listPage(source, (await build.indexed(buildKeys(keys))) ? query : { ...query, narrow: undefined });
    },
    async types(tenantId) {
      return redisCall(() => redis.zrange(keysFor(tenantId).eventTypes, '0', '-1'));
    },
    async buildIndexes(tenantId, budget, graceMs) {
      const keys = keysFor(tenantId);
      const trimBefore = now() - EVENT_RETENTION_SECONDS * 1000;
      return build.step(buildKeys(keys), budget, graceMs, async (chunk) => {
        const events = await load(
          keys,
          chunk.map((entry) => entry.id),
        );
        return Promise.all(
          chunk.map(async (entry, i) => {
            const event = events[i];
            if (!event) return entry.score;
            const score = eventScore(event, entry.score);
            if (score !== entry.score) await redisCall(() => redis.zadd(keys.eventIndex, 'XX', String(score), entry.id));
            const terms = eventTerms(event, event.pending_webhooks).map(keys.eventsBy);
            await build.add(terms, score, entry.id, EVENT_RETENTION_SECONDS, trimBefore);
            await build.add([keys.eventTypes], score, event.type, EVENT_RETENTION_SECONDS, trimBefore);
            return score;
          }),
        );
      });
    },
    async outbox(tenantId, beforeMs, limit) {
      return redisCall(() => redis.zrangebyscore(keysFor(tenantId).eventOutbox, '-inf', beforeMs, 'LIMIT', 0, limit));
    },
    async leaveOutbox(tenantId, eventId) {
      await redisCall(() => redis.zrem(keysFor(tenantId).eventOutbox, eventId));
    },
    async delivered(tenantId, eventId, endpointUrl) {
      const keys = keysFor(tenantId);
      await redisCall(() =>
        markDelivered(
          redis,
          [
            keys.event(eventId),
            keys.eventDeliveredTo(eventId),
            keys.eventIndex,
            keys.eventsBy(eventTerm.delivery(false)),
            keys.eventsBy(eventTerm.delivery(true)),
          ],
          [digest(endpointUrl), eventId, EVENT_RETENTION_SECONDS, now() - EVENT_RETENTION_SECONDS * 1000],
        ),
      );
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
