import { compareAndSetAnnounced } from './compare-and-set';
import type { StoredEvent } from './event-store';
import { encodeEntry, IDEMPOTENCY } from './idempotency-store';
import type { TenantKeys } from './keys';
import { listPage } from './list-scan';
import { INSERT_OR_COMPARE_VERSION_LUA, luaScript } from './lua-script';
import { portalConfigurationKeys, type PortalConfigurationKeys } from './portal-configuration-keys';
import { isPortalConfigurationId, parsePortalConfigurationRecord, type PortalConfigurationRecord } from './portal-configuration-record';
import type { PortalConfigurationStore } from './portal-configuration-store';
import type { RedisClient } from './redis-connection';
import { RECORD_EVENT_ARGS, RECORD_EVENT_KEYS, RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { INDEX_ADD_LUA, redisIndexSource } from './redis-list-index';
import type { IdempotentAnswer } from './session-store';
import { redisCall } from './store-unavailable';

/**
 * Every configuration write in one atomic step: the record (inserted only if the id is free, or
 * replaced only if nobody wrote since it was read), its place in the index, the idempotent answer
 * when there is one, and its event when there is one (record_event: body, event list, outbox). A
 * failed call leaves none of it. Configurations have no TTL: Stripe keeps them.
 *
 * KEYS: 1 record, 2 index, 3 idempotency, then record_event's (the record key stands in for unused ones).
 * ARGV: 1 expected version ('' to insert), 2 record JSON, 3 id, 4 creation ms, 5 idempotency entry
 * ('' for none), 6 its TTL, 7 '1' when there is an event, then record_event's (redis-event-write.ts).
 * Returns 1 written, 0 the id is taken (insert), -1 missing, -2 changed since read.
 */
const writeConfiguration = luaScript(`${INDEX_ADD_LUA}${RECORD_EVENT_LUA}${INSERT_OR_COMPARE_VERSION_LUA}redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if ARGV[5] ~= '' then redis.call('SET', KEYS[3], ARGV[5], 'EX', ARGV[6]) end
if ARGV[7] == '1' then record_event(slice(KEYS, 4, ${RECORD_EVENT_KEYS}), slice(ARGV, 8, ${RECORD_EVENT_ARGS})) end
return 1`);

export function createRedisPortalConfigurationStore(
  redis: RedisClient,
  prefix: string,
  keysFor: (tenantId: string) => TenantKeys,
  now: () => number = Date.now,
): PortalConfigurationStore {
  const byTenant = new Map<string, PortalConfigurationKeys>();
  const portalKeysFor = (tenantId: string) => {
    let keys = byTenant.get(tenantId);
    if (!keys) byTenant.set(tenantId, (keys = portalConfigurationKeys(prefix, tenantId)));
    return keys;
  };
  const parse = (json: string | null | undefined) => (json === null || json === undefined ? undefined : parsePortalConfigurationRecord(json));

  async function get(tenantId: string, id: string): Promise<PortalConfigurationRecord | undefined> {
    if (!isPortalConfigurationId(id)) return undefined;
    return parse(await redisCall(() => redis.get(portalKeysFor(tenantId).configuration(id))));
  }

  function write(next: PortalConfigurationRecord, previous: PortalConfigurationRecord | undefined, event?: StoredEvent, answer?: IdempotentAnswer) {
    const keys = portalKeysFor(next.tenantId);
    const recordKey = keys.configuration(next.configuration.id);
    const eventWrite = event ? recordEventParams(keysFor(next.tenantId), event, now()) : undefined;
    const entry = answer ? encodeEntry({ state: 'done', fingerprint: answer.fingerprint, response: answer.response }) : '';
    return redisCall(() =>
      writeConfiguration(
        redis,
        [
          recordKey,
          keys.configurations,
          answer ? keysFor(next.tenantId).idempotency(answer.key) : recordKey,
          ...(eventWrite?.keys ?? Array<string>(RECORD_EVENT_KEYS).fill(recordKey)),
        ],
        [
          previous ? String(previous.version) : '',
          JSON.stringify(next),
          next.configuration.id,
          next.createdMs,
          entry,
          IDEMPOTENCY.retentionSeconds,
          eventWrite ? '1' : '',
          ...(eventWrite?.args ?? []),
        ],
      ),
    );
  }

  return {
    async insert(record, event, answer) {
      if ((await write(record, undefined, event, answer)) === 1) return { kind: 'created', record };
      const existing = await get(record.tenantId, record.configuration.id);
      if (!existing) throw new Error(`portal configuration ${record.configuration.id} was taken, then gone`);
      return { kind: 'exists', record: existing };
    },
    get,
    update(tenantId, id, change, announce) {
      return compareAndSetAnnounced(
        `portal configuration ${id}`,
        () => get(tenantId, id),
        change,
        announce,
        (next, current, event) => write(next, current, event),
      );
    },
    list(tenantId, query) {
      const keys = portalKeysFor(tenantId);
      // A tenant has a handful of configurations: one index, filters checked on each record read.
      const source = redisIndexSource(
        redis,
        keys.configurations,
        () => keys.configurations,
        async (ids) => (await redisCall(() => redis.mget(ids.map((id) => keys.configuration(id))))).map((value) => parse(value)),
      );
      return listPage(source, query);
    },
  };
}
