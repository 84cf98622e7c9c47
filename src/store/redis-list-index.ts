import type { Direction, IndexEntry, IndexedSource, IndexTerm } from './list-scan';
import { luaScript } from './lua-script';
import type { RedisClient } from './redis-connection';
import { redisCall } from './store-unavailable';
import { inOneWrite } from './one-write';

/**
 * Lua that puts a member in a list index: scored by created ms like the tenant's main index,
 * trimmed of entries past retention on every write, and expiring with its newest entry, so the
 * index of a customer nobody sees again leaves Redis with that customer's last session.
 * Prepend it to a script's source.
 */
export const INDEX_ADD_LUA = `
local function index_add(key, score, member, ttl_seconds, trim_before_ms)
  redis.call('ZADD', key, score, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', trim_before_ms)
  redis.call('EXPIRE', key, ttl_seconds)
end
`;

/** One object into several list indexes (the build over objects stored before the indexes). KEYS: the indexes. */
const indexAdd = luaScript(`${INDEX_ADD_LUA}
for i = 1, #KEYS do index_add(KEYS[i], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) end
return 1`);

const bound = (score: number) => (score === -Infinity ? '-inf' : score === Infinity ? '+inf' : String(score));

function entries(flat: string[]): IndexEntry[] {
  const result: IndexEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
  return result;
}

/** A tenant's list indexes in Redis: its main index (`mainKey`) and one sorted set per term. */
export function redisIndexSource<T>(
  redis: RedisClient,
  mainKey: string,
  keyOf: (term: IndexTerm) => string,
  load: (ids: string[]) => Promise<(T | undefined)[]>,
): IndexedSource<T> {
  const key = (term: IndexTerm | undefined) => (term ? keyOf(term) : mainKey);
  return {
    async scoreOf(id) {
      const score = await redisCall(() => redis.zscore(mainKey, id));
      return score === null ? undefined : Number(score);
    },
    count: (term, min, max) => redisCall(() => redis.zcount(key(term), bound(min), bound(max))),
    async range(term, direction: Direction, min, max, offset, count) {
      const flat = await redisCall(() =>
        direction === 'older'
          ? redis.zrevrangebyscore(key(term), bound(max), bound(min), 'WITHSCORES', 'LIMIT', offset, count)
          : redis.zrangebyscore(key(term), bound(min), bound(max), 'WITHSCORES', 'LIMIT', offset, count),
      );
      return entries(flat);
    },
    async contains(term, ids) {
      // One ZSCORE per id, in one write; ZMSCORE would need Redis 6.2.
      const scores = await redisCall(() => inOneWrite(redis, (pipeline) => ids.forEach((id) => pipeline.zscore(keyOf(term), id))));
      return scores.map((score) => score !== null);
    },
    load,
  };
}

export interface IndexBuildKeys {
  /** The index of every object of the tenant. */
  main: string;
  /** Set when every object is in its list indexes. */
  indexed: string;
  /** The build's progress: when it was first wanted, and a score and how many objects at it are done. */
  progress: string;
}

/** How long an instance trusts that a tenant is indexed before asking Redis again (an operator may restart a build). */
const INDEXED_CACHE_MS = 60_000;

/**
 * Whether a tenant's list indexes cover all its objects, and the build that makes them: objects
 * stored by a gateway that had no list indexes are added in chunks, oldest first, by the
 * background task (services/list-index-build.ts). Until it finishes, lists walk every object,
 * as before. A tenant whose first object is written with its indexes is marked indexed by that
 * write: it has nothing older.
 *
 * The build starts `graceMs` after an instance first finds the tenant unindexed: during a rolling
 * upgrade, instances of the old version still write objects without indexes (and move a settled
 * session in none), and one pass that starts after they are gone reads every object as it is.
 */
export function redisIndexBuild(redis: RedisClient, now: () => number) {
  const known = new Map<string, number>();
  return {
    async indexed(keys: IndexBuildKeys): Promise<boolean> {
      if ((known.get(keys.indexed) ?? -Infinity) > now()) return true;
      if ((await redisCall(() => redis.get(keys.indexed))) === null) return false;
      known.set(keys.indexed, now() + INDEXED_CACHE_MS);
      return true;
    },
    /**
     * Indexes up to `budget` more objects; true when every object is indexed. `index` adds one
     * chunk (entries oldest first) to its indexes and returns each entry's score after (an event's
     * may move within its `created` second, event-indexes.ts `eventScore`). Safe on several
     * instances at once: adding to an index is idempotent, and a record read a moment before its
     * change was indexed by that change.
     */
    async step(keys: IndexBuildKeys, budget: number, graceMs: number, index: (chunk: IndexEntry[]) => Promise<number[]>): Promise<boolean> {
      if (await this.indexed(keys)) return true;
      await redisCall(() => redis.hsetnx(keys.progress, 'since', String(now())));
      const [since, score, done] = await redisCall(() => redis.hmget(keys.progress, 'since', 'score', 'done'));
      if (now() < Number(since) + graceMs) return false;
      const from = score ?? '-inf';
      const skip = Number(done ?? 0);
      const chunk = entries(await redisCall(() => redis.zrangebyscore(keys.main, from, '+inf', 'WITHSCORES', 'LIMIT', skip, budget)));
      if (chunk.length === 0) {
        await redisCall(() => redis.multi().set(keys.indexed, '1').del(keys.progress).exec());
        return true;
      }
      const scores = await index(chunk);
      const last = chunk[chunk.length - 1] as IndexEntry;
      // Objects that stayed at the last score are skipped next time (an object the build moved to a
      // lower score is behind the walk; those not yet read sort after every one that was).
      const atLast = chunk.filter((entry, i) => entry.score === last.score && scores[i] === last.score).length;
      const next = String(last.score) === from ? skip + atLast : atLast;
      await redisCall(() => redis.hset(keys.progress, 'score', String(last.score), 'done', String(next)));
      return false;
    },
    /** Adds one object to its indexes (the build's per-object write). */
    add(indexKeys: string[], score: number, id: string, ttlSeconds: number, trimBeforeMs: number): Promise<unknown> {
      if (indexKeys.length === 0) return Promise.resolve();
      return redisCall(() => indexAdd(redis, indexKeys, [score, id, ttlSeconds, trimBeforeMs]));
    },
  };
}

export type RedisIndexBuild = ReturnType<typeof redisIndexBuild>;
