import { setTimeout as sleep } from 'node:timers/promises';
import { encodeEntry, IDEMPOTENCY } from './idempotency-store';
import type { TenantKeys } from './keys';
import { luaScript } from './lua-script';
import { RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { scanPage } from './list-scan';
import type { RedisClient } from './redis-connection';
import { sessionRecordSchema, type SessionRecord } from './session-record';
import type { ListQuery } from './list-scan';
import type { SessionStore, UpdateResult } from './session-store';
import { redisCall } from './store-unavailable';

/** Sessions older than this leave Redis (record and index entry). */
export const SESSION_RETENTION_SECONDS = 90 * 24 * 3600;
/** Writers that lose a compare-and-set back off with jitter, so even a burst of them all lands. */
const MAX_CAS_ATTEMPTS = 40;
const casBackoffMs = (attempt: number) => Math.random() * Math.min(2 * attempt, 20);

/**
 * Replace the record only if nobody wrote since it was read (version unchanged); a session that is
 * no longer open leaves the expiry index, and the event the change announces (ARGV[5] non-empty)
 * is recorded, in the same step: nothing runs in between, and a request that fails (connection
 * lost, Redis down) leaves none of it, so there is never a final session without its event.
 * KEYS: session, expiry index, then record_event's three (the session key again when no event).
 */
const compareAndSet = luaScript(`${RECORD_EVENT_LUA}
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if tostring(cjson.decode(current).version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
if ARGV[3] == 'closed' then redis.call('ZREM', KEYS[2], ARGV[4]) end
if ARGV[5] ~= '' then record_event(KEYS[3], KEYS[4], KEYS[5], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]) end
return 1`);

/**
 * A new session, its place in the list index and in the expiry index, and (when given) the
 * idempotent answer that announced it, in one atomic round trip.
 */
const insertSession = luaScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
if ARGV[6] ~= '' then redis.call('SET', KEYS[4], ARGV[6], 'EX', ARGV[7]) end
return 1`);

export function createRedisSessionStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, now: () => number = Date.now): SessionStore {
  const parse = (json: string | null): SessionRecord | undefined => (json === null ? undefined : sessionRecordSchema.parse(JSON.parse(json)));

  async function get(tenantId: string, id: string) {
    return parse(await redisCall(() => redis.get(keysFor(tenantId).session(id))));
  }

  return {
    async insert(record, answer) {
      const keys = keysFor(record.tenantId);
      const id = record.session.id;
      const entry = answer ? encodeEntry({ state: 'done', fingerprint: answer.fingerprint, response: answer.response }) : '';
      await redisCall(() =>
        insertSession(
          redis,
          [keys.session(id), keys.sessionIndex, keys.openByExpiry, answer ? keys.idempotency(answer.key) : keys.session(id)],
          [JSON.stringify(record), SESSION_RETENTION_SECONDS, record.createdMs, id, record.session.expires_at, entry, IDEMPOTENCY.retentionSeconds],
        ),
      );
    },
    get,
    async update(tenantId, id, change, announce): Promise<UpdateResult> {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const current = await get(tenantId, id);
        if (!current) return { kind: 'missing' };
        const next = change(structuredClone(current));
        if (!next) return { kind: 'unchanged', record: current };
        const stored = { ...next, version: current.version + 1 };
        const keys = keysFor(tenantId);
        const closed = stored.session.status === 'open' ? 'open' : 'closed';
        const announced = announce?.(structuredClone(stored), structuredClone(current));
        const event = announced
          ? recordEventParams(keys, announced, now())
          : { keys: [keys.session(id), keys.session(id), keys.session(id)], args: [''] };
        const outcome = await redisCall(() =>
          compareAndSet(
            redis,
            [keys.session(id), keys.openByExpiry, ...event.keys],
            [String(current.version), JSON.stringify(stored), closed, id, ...event.args],
          ),
        );
        if (outcome === 1) return { kind: 'updated', record: stored, previous: current, ...(announced ? { announced } : {}) };
        if (outcome === -1) return { kind: 'missing' };
        await sleep(casBackoffMs(attempt));
      }
      throw new Error(`session ${id} kept changing under ${MAX_CAS_ATTEMPTS} concurrent updates`);
    },
    async trimIndex(tenantId, nowMs) {
      await redisCall(() => redis.zremrangebyscore(keysFor(tenantId).sessionIndex, '-inf', nowMs - SESSION_RETENTION_SECONDS * 1000));
    },
    async dueForExpiry(tenantId, nowSeconds, limit) {
      return redisCall(() => redis.zrangebyscore(keysFor(tenantId).openByExpiry, '-inf', nowSeconds, 'LIMIT', 0, limit));
    },
    async retryExpiryAt(tenantId, id, atSeconds) {
      // XX: a session that settled meanwhile left the index and stays out of it.
      await redisCall(() => redis.zadd(keysFor(tenantId).openByExpiry, 'XX', atSeconds, id));
    },
    async dropFromExpiryIndex(tenantId, id) {
      await redisCall(() => redis.zrem(keysFor(tenantId).openByExpiry, id));
    },
    list(tenantId, query: ListQuery<SessionRecord>) {
      const keys = keysFor(tenantId);
      return scanPage(
        {
          rankOf: async (id) => (await redisCall(() => redis.zrevrank(keys.sessionIndex, id))) ?? undefined,
          range: async (start, stop) => {
            const ids = await redisCall(() => redis.zrevrange(keys.sessionIndex, start, stop));
            if (ids.length === 0) return [];
            const values = await redisCall(() => redis.mget(ids.map((id) => keys.session(id))));
            // A record past its retention may outlive its index entry by moments.
            return values.map(parse);
          },
        },
        query,
      );
    },
  };
}
