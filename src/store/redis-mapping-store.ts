import { randomBytes } from 'node:crypto';
import { mappingEntrySchema, productInfoSchema, type MappingEntry, type MappingFile, type ProductInfo } from '../mappings/mapping-file';
import { encodeEntry, IDEMPOTENCY } from './idempotency-store';
import type { TenantKeys } from './keys';
import { luaScript } from './lua-script';
import { adhocProductSchema, MAX_TOMBSTONES, type CatalogChange, type MappingStore } from './mapping-store';
import type { RedisClient } from './redis-connection';
import { RECORD_EVENT_ARGS, RECORD_EVENT_KEYS, RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { INDEX_ADD_LUA } from './redis-list-index';
import { redisCall } from './store-unavailable';

/**
 * One catalog write made through the API: if the version is unchanged, the prices and products it
 * sets, the products it deletes (leaving tombstones, the oldest beyond MAX_TOMBSTONES forgotten),
 * the events that announce it and the request's idempotent answer, then the version bump — all in
 * one step, so there is never a change without its event nor an event without its change.
 * KEYS: version, prices, products, tombstones, idempotency key (the version key again when none),
 * then record_event's keys of each event (redis-event-write.ts).
 * ARGV: version, #prices, #products, #deleted, #events, answer, answer TTL, tombstone cap, then the
 * pairs (id, json) of prices and products, (id, ms) of deletions, and record_event's arguments of
 * each event.
 */
const commitScript = luaScript(`${INDEX_ADD_LUA}${RECORD_EVENT_LUA}
if tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then return 0 end
local at = 9
for _ = 1, tonumber(ARGV[2]) do redis.call('HSET', KEYS[2], ARGV[at], ARGV[at + 1]); at = at + 2 end
for _ = 1, tonumber(ARGV[3]) do
  redis.call('HSET', KEYS[3], ARGV[at], ARGV[at + 1])
  redis.call('ZREM', KEYS[4], ARGV[at])
  at = at + 2
end
for _ = 1, tonumber(ARGV[4]) do
  redis.call('HDEL', KEYS[3], ARGV[at])
  redis.call('ZADD', KEYS[4], ARGV[at + 1], ARGV[at])
  at = at + 2
end
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[8]) + 1))
for i = 1, tonumber(ARGV[5]) do
  record_event(slice(KEYS, 6 + (i - 1) * ${RECORD_EVENT_KEYS}, ${RECORD_EVENT_KEYS}), slice(ARGV, at, ${RECORD_EVENT_ARGS}))
  at = at + ${RECORD_EVENT_ARGS}
end
if ARGV[6] ~= '' then redis.call('SET', KEYS[5], ARGV[6], 'EX', ARGV[7]) end
redis.call('INCR', KEYS[1])
return 1`);

/**
 * The swap of a whole catalog built beside the live one (keys 5–7): if the version is still ARGV[1]
 * (or ARGV[1] is empty: an unconditional replace), the live hashes are replaced in one step.
 * KEYS: version, prices, products, tombstones, then the three staged keys.
 */
const swapScript = luaScript(`
if ARGV[1] ~= '' and tonumber(redis.call('GET', KEYS[1]) or '0') ~= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[5], KEYS[6], KEYS[7])
  return 0
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
for i = 2, 4 do
  if redis.call('EXISTS', KEYS[i + 3]) == 1 then
    redis.call('RENAME', KEYS[i + 3], KEYS[i])
    redis.call('PERSIST', KEYS[i])
  end
end
redis.call('INCR', KEYS[1])
return 1`);

/**
 * The batch tool's entries, each written unless the stored one was changed through the API more
 * recently (a higher \`apiRevision\`, or the incoming entry has none) or the product was deleted
 * through the API: those ids are returned. Triples (id, json, apiRevision or '').
 * KEYS: version, prices, products, tombstones. ARGV: #prices, #products, then the triples.
 */
const putEntriesScript = luaScript(`
local function newer_through_api(stored_revision, incoming)
  if not stored_revision then return false end
  return incoming == '' or tonumber(incoming) < stored_revision
end
local function revision_of(json)
  if not json then return nil end
  local ok, decoded = pcall(cjson.decode, json)
  if ok and type(decoded) == 'table' and type(decoded.apiRevision) == 'number' then return decoded.apiRevision end
  return nil
end
local kept, written, at = {}, false, 3
for kind = 1, 2 do
  local hash = KEYS[kind + 1]
  for _ = 1, tonumber(ARGV[kind]) do
    local id, json, revision = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    local stored = revision_of(redis.call('HGET', hash, id))
    if kind == 2 and not stored then
      local deleted = redis.call('ZSCORE', KEYS[4], id)
      if deleted then stored = tonumber(deleted) end
    end
    if newer_through_api(stored, revision) then
      table.insert(kept, id)
    else
      redis.call('HSET', hash, id, json)
      written = true
    end
    at = at + 3
  end
end
if written then redis.call('INCR', KEYS[1]) end
return kept`);

/** Fields per HSET while staging a catalog: a 10,000-price file is a few round trips, none huge. */
const STAGE_CHUNK = 1000;
/** A load that dies while staging leaves its staged keys; they lapse on their own. */
const STAGE_TTL_SECONDS = 3600;

/** The catalog as Redis hashes (field = Stripe id, value = JSON entry), a version and tombstones, per tenant. */
export function createRedisMappingStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, now: () => number = Date.now): MappingStore {
  const fields = <T>(record: Record<string, T>) => Object.entries(record).flatMap(([id, value]) => [id, JSON.stringify(value)]);
  const hget = (key: string, field: string) => redisCall(() => redis.hget(key, field));
  const catalogKeys = (keys: TenantKeys) => [keys.catalogVersion, keys.mappings, keys.products, keys.catalogTombstones];

  const parsePrices = (all: Record<string, string>) => {
    const parsed: Record<string, MappingEntry> = {};
    for (const [id, json] of Object.entries(all)) parsed[id] = mappingEntrySchema.parse(JSON.parse(json));
    return parsed;
  };
  const parseProducts = (all: Record<string, string>) => {
    const parsed: Record<string, ProductInfo> = {};
    for (const [id, json] of Object.entries(all)) parsed[id] = productInfoSchema.parse(JSON.parse(json));
    return parsed;
  };

  /** Writes the catalog beside the live one, then swaps it in if the version is still `version`. */
  async function swapIn(tenantId: string, version: number | undefined, file: MappingFile, tombstones: Record<string, number>): Promise<boolean> {
    const keys = keysFor(tenantId);
    const tag = randomBytes(6).toString('hex');
    const staged = [`${keys.mappings}:loading:${tag}`, `${keys.products}:loading:${tag}`, `${keys.catalogTombstones}:loading:${tag}`];
    const [stagedPrices = '', stagedProducts = '', stagedTombstones = ''] = staged;
    const stage = async (key: string, values: (string | number)[], command: 'hset' | 'zadd') => {
      for (let i = 0; i < values.length; i += STAGE_CHUNK * 2) {
        const chunk = values.slice(i, i + STAGE_CHUNK * 2);
        const multi = redis.multi();
        if (command === 'hset') multi.hset(key, ...chunk);
        else multi.zadd(key, ...chunk);
        await redisCall(() => multi.expire(key, STAGE_TTL_SECONDS).exec());
      }
    };
    await stage(stagedPrices, fields(file.prices), 'hset');
    await stage(stagedProducts, fields(file.products), 'hset');
    await stage(
      stagedTombstones,
      Object.entries(tombstones).flatMap(([id, at]) => [at, id]),
      'zadd',
    );
    const swapped = await redisCall(() => swapScript(redis, [...catalogKeys(keys), ...staged], [version === undefined ? '' : version]));
    return swapped === 1;
  }

  return {
    async getPrice(tenantId, id) {
      const json = await hget(keysFor(tenantId).mappings, id);
      return json === null ? undefined : mappingEntrySchema.parse(JSON.parse(json));
    },
    async getProduct(tenantId, id) {
      const json = await hget(keysFor(tenantId).products, id);
      return json === null ? undefined : productInfoSchema.parse(JSON.parse(json));
    },
    async allPrices(tenantId) {
      return parsePrices(await redisCall(() => redis.hgetall(keysFor(tenantId).mappings)));
    },
    async catalogVersion(tenantId) {
      return Number((await redisCall(() => redis.get(keysFor(tenantId).catalogVersion))) ?? 0);
    },
    async snapshot(tenantId) {
      const keys = keysFor(tenantId);
      // One MULTI: the four reads see the same catalog, whatever writes land around them.
      const replies = await redisCall(() =>
        redis
          .multi()
          .get(keys.catalogVersion)
          .hgetall(keys.mappings)
          .hgetall(keys.products)
          .zrange(keys.catalogTombstones, '0', '-1', 'WITHSCORES')
          .exec(),
      );
      const [version, prices, products, tombstones] = (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      }) as [string | null, Record<string, string>, Record<string, string>, string[]];
      const deleted: Record<string, number> = {};
      for (let i = 0; i + 1 < tombstones.length; i += 2) deleted[tombstones[i] ?? ''] = Number(tombstones[i + 1]);
      return { version: Number(version ?? 0), prices: parsePrices(prices), products: parseProducts(products), tombstones: deleted };
    },
    async commit(tenantId, version, change: CatalogChange) {
      const keys = keysFor(tenantId);
      const events = change.events ?? [];
      // Events of one change keep their order in the event list: each is a millisecond after the last.
      const nowMs = now();
      const writes = events.map((event, i) => recordEventParams(keys, event, nowMs + i));
      const answer = change.answer;
      const deleted = Object.entries(change.deletedProducts ?? {}).flatMap(([id, at]) => [id, at]);
      const outcome = await redisCall(() =>
        commitScript(
          redis,
          [...catalogKeys(keys), answer ? keys.idempotency(answer.key) : keys.catalogVersion, ...writes.flatMap((write) => write.keys)],
          [
            version,
            Object.keys(change.prices ?? {}).length,
            Object.keys(change.products ?? {}).length,
            deleted.length / 2,
            events.length,
            answer ? encodeEntry({ state: 'done', fingerprint: answer.fingerprint, response: answer.response }) : '',
            IDEMPOTENCY.retentionSeconds,
            MAX_TOMBSTONES,
            ...fields(change.prices ?? {}),
            ...fields(change.products ?? {}),
            ...deleted,
            ...writes.flatMap((write) => write.args),
          ],
        ),
      );
      return outcome === 1;
    },
    replaceAt: (tenantId, version, file, tombstones) => swapIn(tenantId, version, file, tombstones),
    async replaceAll(tenantId, file) {
      await swapIn(tenantId, undefined, file, {});
    },
    async putEntries(tenantId, prices, products) {
      const triples = (record: Record<string, { apiRevision?: number | undefined }>) =>
        Object.entries(record).flatMap(([id, value]) => [
          id,
          JSON.stringify(value),
          value.apiRevision === undefined ? '' : String(value.apiRevision),
        ]);
      const kept = await redisCall(() =>
        putEntriesScript(redis, catalogKeys(keysFor(tenantId)), [
          Object.keys(prices).length,
          Object.keys(products).length,
          ...triples(prices),
          ...triples(products),
        ]),
      );
      return (kept as string[] | null) ?? [];
    },
    async getAdhoc(tenantId, hash) {
      const json = await hget(keysFor(tenantId).adhocPrices, hash);
      return json === null ? undefined : adhocProductSchema.parse(JSON.parse(json));
    },
    async putAdhoc(tenantId, hash, product) {
      await redisCall(() => redis.hset(keysFor(tenantId).adhocPrices, hash, JSON.stringify(product)));
    },
  };
}
