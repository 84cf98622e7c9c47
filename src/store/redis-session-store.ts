import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../errors';
import { encodeEntry, IDEMPOTENCY } from './idempotency-store';
import type { TenantKeys } from './keys';
import { listPage } from './list-scan';
import { luaScript } from './lua-script';
import { RECORD_EVENT_ARGS, RECORD_EVENT_KEYS, RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { INDEX_ADD_LUA, redisIndexBuild, redisIndexSource } from './redis-list-index';
import type { RedisClient } from './redis-connection';
import { sessionTerms } from './session-indexes';
import { sessionRecordSchema, type SessionRecord } from './session-record';
import type { SessionStore, UpdateResult } from './session-store';
import { redisCall } from './store-unavailable';

/** Sessions older than this leave Redis (record and index entries). */
export const SESSION_RETENTION_SECONDS = 90 * 24 * 3600;
/** Writers that lose a compare-and-set back off with jitter, so even a burst of them all lands. */
const MAX_CAS_ATTEMPTS = 40;
const casBackoffMs = (attempt: number) => Math.random() * Math.min(2 * attempt, 20);

/**
 * Replace the record only if nobody wrote since it was read (version unchanged); a session that is
 * no longer open leaves the expiry index; the session leaves the list indexes it no longer belongs
 * in and is (again) in those it does; and the event the change announces (ARGV[9] non-empty) is
 * recorded — all in the same step: nothing runs in between, and a request that fails (connection
 * lost, Redis down) leaves none of it, so there is never a final session without its event, nor a
 * list index that disagrees with its session.
 * KEYS: session, expiry index, record_event's seven (the session key again when no event), the
 * list indexes to leave (ARGV[8] of them), the list indexes to be in.
 * ARGV: version, record, open|closed, id, created ms, retention (s), trim before (ms), leave count,
 * then record_event's six.
 */
const compareAndSet = luaScript(`${INDEX_ADD_LUA}${RECORD_EVENT_LUA}
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if tostring(cjson.decode(current).version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
if ARGV[3] == 'closed' then redis.call('ZREM', KEYS[2], ARGV[4]) end
local first = 3 + ${RECORD_EVENT_KEYS}
local leave = tonumber(ARGV[8])
for i = first, first + leave - 1 do redis.call('ZREM', KEYS[i], ARGV[4]) end
for i = first + leave, #KEYS do index_add(KEYS[i], ARGV[5], ARGV[4], ARGV[6], ARGV[7]) end
if ARGV[9] ~= '' then record_event(slice(KEYS, 3, ${RECORD_EVENT_KEYS}), slice(ARGV, 9, ${RECORD_EVENT_ARGS})) end
return 1`);

/**
 * A new session, its place in the main index, the list indexes and the expiry index, and (when
 * given) the idempotent answer that announced it, in one atomic round trip. The tenant's first
 * session marks its list indexes complete: there is nothing older to build.
 * KEYS: session, main index, expiry index, idempotency key (or the session again), indexed marker,
 * the list indexes. ARGV: record, retention (s), created ms, id, expires_at, answer, answer
 * retention (s), trim before (ms).
 */
const insertSession = luaScript(`${INDEX_ADD_LUA}
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SET', KEYS[5], '1') end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
if ARGV[6] ~= '' then redis.call('SET', KEYS[4], ARGV[6], 'EX', ARGV[7]) end
for i = 6, #KEYS do index_add(KEYS[i], ARGV[3], ARGV[4], ARGV[2], ARGV[8]) end
return 1`);

/** The sweep takes the earliest due sessions and moves them to when its claim lapses, in one step. */
const claimDue = luaScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[3], id) end
return ids`);

/** Deletes an update lock only if this request still holds it (it may have lapsed and been retaken). */
const unlock = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export function createRedisSessionStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, now: () => number = Date.now): SessionStore {
  const parse = (json: string | null): SessionRecord | undefined => (json === null ? undefined : sessionRecordSchema.parse(JSON.parse(json)));
  const trimBefore = () => now() - SESSION_RETENTION_SECONDS * 1000;
  const build = redisIndexBuild(redis, now);
  const buildKeys = (keys: TenantKeys) => ({ main: keys.sessionIndex, indexed: keys.sessionsIndexed, progress: keys.sessionsIndexBuild });
  const listKeys = (keys: TenantKeys, record: SessionRecord) => sessionTerms(record.session).map(keys.sessionsBy);

  async function get(tenantId: string, id: string) {
    return parse(await redisCall(() => redis.get(keysFor(tenantId).session(id))));
  }

  async function getMany(tenantId: string, ids: string[]) {
    if (ids.length === 0) return [];
    const keys = keysFor(tenantId);
    // A record past its retention may outlive its index entry by moments.
    return (await redisCall(() => redis.mget(ids.map((id) => keys.session(id))))).map(parse);
  }

  return {
    async insert(record, answer) {
      const keys = keysFor(record.tenantId);
      const id = record.session.id;
      const entry = answer ? encodeEntry({ state: 'done', fingerprint: answer.fingerprint, response: answer.response }) : '';
      await redisCall(() =>
        insertSession(
          redis,
          [
            keys.session(id),
            keys.sessionIndex,
            keys.openByExpiry,
            answer ? keys.idempotency(answer.key) : keys.session(id),
            keys.sessionsIndexed,
            ...listKeys(keys, record),
          ],
          [
            JSON.stringify(record),
            SESSION_RETENTION_SECONDS,
            record.createdMs,
            id,
            record.session.expires_at,
            entry,
            IDEMPOTENCY.retentionSeconds,
            trimBefore(),
          ],
        ),
      );
    },
    get,
    getMany,
    async update(tenantId, id, change, announce, seen): Promise<UpdateResult> {
      let given = seen;
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const current = given ?? (await get(tenantId, id));
        const fresh = given === undefined;
        given = undefined;
        if (!current) return { kind: 'missing' };
        // The one copy: `change` edits it, and `current` stays as read for the indexes it leaves.
        const next = change(structuredClone(current));
        if (!next) {
          if (fresh) return { kind: 'unchanged', record: current };
          attempt -= 1;
          continue;
        }
        const stored = { ...next, version: current.version + 1 };
        const keys = keysFor(tenantId);
        const closed = stored.session.status === 'open' ? 'open' : 'closed';
        // Written down before `announce` sees the records, so nothing it does can reach Redis.
        const storedJson = JSON.stringify(stored);
        // Every index the session is in now is written again (a session last written by a gateway
        // without list indexes gets them with its first change); those it left are cleared.
        const enter = listKeys(keys, stored);
        const leave = listKeys(keys, current).filter((key) => !enter.includes(key));
        const announced = announce?.(stored, current);
        const event = announced
          ? recordEventParams(keys, announced, now())
          : { keys: Array.from({ length: RECORD_EVENT_KEYS }, () => keys.session(id)), args: [''] };
        const outcome = await redisCall(() =>
          compareAndSet(
            redis,
            [keys.session(id), keys.openByExpiry, ...event.keys, ...leave, ...enter],
            [String(current.version), storedJson, closed, id, stored.createdMs, SESSION_RETENTION_SECONDS, trimBefore(), leave.length, ...event.args],
          ),
        );
        if (outcome === 1) return { kind: 'updated', record: stored, previous: current, ...(announced ? { announced } : {}) };
        if (outcome === -1) return { kind: 'missing' };
        await sleep(casBackoffMs(attempt));
      }
      // Retryable, never a 500: nothing was written (metadata updates take turns and do not get here).
      throw new GatewayError('lock_timeout', `The checkout session ${id} kept changing under concurrent updates; nothing was changed, please retry.`);
    },
    async trimIndex(tenantId, nowMs) {
      await redisCall(() => redis.zremrangebyscore(keysFor(tenantId).sessionIndex, '-inf', nowMs - SESSION_RETENTION_SECONDS * 1000));
    },
    async claimDueForExpiry(tenantId, nowSeconds, limit, claimUntilSeconds) {
      const ids = await redisCall(() => claimDue(redis, [keysFor(tenantId).openByExpiry], [nowSeconds, limit, claimUntilSeconds]));
      return ids as string[];
    },
    async countDueForExpiry(tenantId, nowSeconds) {
      return redisCall(() => redis.zcount(keysFor(tenantId).openByExpiry, '-inf', nowSeconds));
    },
    async retryExpiryAt(tenantId, id, atSeconds) {
      // XX: a session that settled meanwhile left the index and stays out of it.
      await redisCall(() => redis.zadd(keysFor(tenantId).openByExpiry, 'XX', atSeconds, id));
    },
    async dropFromExpiryIndex(tenantId, id) {
      await redisCall(() => redis.zrem(keysFor(tenantId).openByExpiry, id));
    },
    async list(tenantId, query) {
      const keys = keysFor(tenantId);
      const source = redisIndexSource(redis, keys.sessionIndex, keys.sessionsBy, (ids) => getMany(tenantId, ids));
      // Until the indexes cover every session, the walk reads them all, as before the indexes.
      return listPage(source, (await build.indexed(buildKeys(keys))) ? query : { ...query, narrow: undefined });
    },
    async buildIndexes(tenantId, budget, graceMs) {
      const keys = keysFor(tenantId);
      return build.step(buildKeys(keys), budget, graceMs, async (chunk) => {
        const records = await getMany(
          tenantId,
          chunk.map((entry) => entry.id),
        );
        await Promise.all(
          chunk.map((entry, i) => {
            const record = records[i];
            return record && build.add(listKeys(keys, record), entry.score, entry.id, SESSION_RETENTION_SECONDS, trimBefore());
          }),
        );
        return chunk.map((entry) => entry.score);
      });
    },
    async lockForUpdate(tenantId, id, token, leaseMs) {
      return (await redisCall(() => redis.set(keysFor(tenantId).sessionUpdateLock(id), token, 'PX', leaseMs, 'NX'))) === 'OK';
    },
    async unlockForUpdate(tenantId, id, token) {
      await redisCall(() => unlock(redis, [keysFor(tenantId).sessionUpdateLock(id)], [token]));
    },
  };
}
