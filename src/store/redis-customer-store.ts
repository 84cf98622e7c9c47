import { compareAndSetAnnounced } from './compare-and-set';
import { listWindow, scanWindow, type SortedIndex } from './customer-index';
import { customerRecordSchema, foldEmail, isCustomerId, liveCustomer, type CustomerRecord } from './customer-record';
import type { CustomerIndex, CustomerStore, CustomerUpdateResult, ScanPosition } from './customer-store';
import type { StoredEvent } from './event-store';
import { encodeEntry, IDEMPOTENCY } from './idempotency-store';
import type { TenantKeys } from './keys';
import { INSERT_OR_COMPARE_VERSION_LUA, luaScript } from './lua-script';
import type { RedisClient } from './redis-connection';
import { RECORD_EVENT_ARGS, RECORD_EVENT_KEYS, RECORD_EVENT_LUA, recordEventParams } from './redis-event-write';
import { INDEX_ADD_LUA } from './redis-list-index';
import type { IdempotentAnswer } from './session-store';
import { redisCall } from './store-unavailable';

/**
 * Every customer write, in one atomic step: the record (inserted only if the id is free, or
 * replaced only if nobody wrote since it was read), its place in the creation index and the two
 * email indexes (left when the email changes or the customer is deleted), the idempotent answer
 * when there is one, and the `customer.*` event (record_event: body, event list, outbox). A failed
 * call leaves none of it. The customer has no TTL: it is a directory entry, not a transient object.
 *
 * KEYS: 1 record, 2 creation index, 3-4 old exact/folded email index, 5-6 new ones (the record key
 * stands in for an unused one; the flags say which are used), then record_event's, then idempotency.
 * ARGV: 1 expected version ('' to insert), 2 record JSON, 3 id, 4 creation ms, 5 leave old email
 * indexes, 6 enter new email indexes, 7 listed ('1') or not, 8 idempotency entry ('' for none),
 * 9 its TTL, then record_event's (redis-event-write.ts).
 * Returns 1 written, 0 the id is taken (insert), -1 missing, -2 changed since read.
 */
const writeCustomer = luaScript(`${INDEX_ADD_LUA}${RECORD_EVENT_LUA}${INSERT_OR_COMPARE_VERSION_LUA}redis.call('SET', KEYS[1], ARGV[2])
if ARGV[5] == '1' then
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('ZREM', KEYS[4], ARGV[3])
end
if ARGV[7] == '1' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3]) else redis.call('ZREM', KEYS[2], ARGV[3]) end
if ARGV[6] == '1' then
  redis.call('ZADD', KEYS[5], ARGV[4], ARGV[3])
  redis.call('ZADD', KEYS[6], ARGV[4], ARGV[3])
end
if ARGV[8] ~= '' then redis.call('SET', KEYS[${7 + RECORD_EVENT_KEYS}], ARGV[8], 'EX', ARGV[9]) end
record_event(slice(KEYS, 7, ${RECORD_EVENT_KEYS}), slice(ARGV, 10, ${RECORD_EVENT_ARGS}))
return 1`);

const score = (ms: number) => (ms === Infinity ? '+inf' : ms === -Infinity ? '-inf' : String(ms));

export function createRedisCustomerStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, now: () => number = Date.now): CustomerStore {
  const parse = (json: string | null): CustomerRecord | undefined => (json === null ? undefined : customerRecordSchema.parse(JSON.parse(json)));

  async function get(tenantId: string, id: string) {
    return parse(await redisCall(() => redis.get(keysFor(tenantId).customer(id))));
  }

  /** The email index keys a record is in: none when it has no email or is deleted. */
  function emailKeys(keys: TenantKeys, record: CustomerRecord | undefined): [string, string] | undefined {
    const email = record && liveCustomer(record)?.email;
    return email ? [keys.customersByEmail(email), keys.customersByFoldedEmail(foldEmail(email))] : undefined;
  }

  /** One write (see writeCustomer); `previous` is what the caller read, absent for an insert. */
  function write(next: CustomerRecord, previous: CustomerRecord | undefined, event: StoredEvent, answer?: IdempotentAnswer) {
    const keys = keysFor(next.tenantId);
    const id = next.customer.id;
    const recordKey = keys.customer(id);
    const [oldKeys, newKeys] = [emailKeys(keys, previous), emailKeys(keys, next)];
    const eventWrite = recordEventParams(keys, event, now());
    const entry = answer ? encodeEntry({ state: 'done', fingerprint: answer.fingerprint, response: answer.response }) : '';
    return redisCall(() =>
      writeCustomer(
        redis,
        [
          recordKey,
          keys.customerIndex,
          ...(oldKeys ?? [recordKey, recordKey]),
          ...(newKeys ?? [recordKey, recordKey]),
          ...eventWrite.keys,
          answer ? keys.idempotency(answer.key) : recordKey,
        ],
        [
          previous ? String(previous.version) : '',
          JSON.stringify(next),
          id,
          next.createdMs,
          oldKeys ? '1' : '',
          newKeys ? '1' : '',
          liveCustomer(next) ? '1' : '',
          entry,
          IDEMPOTENCY.retentionSeconds,
          ...eventWrite.args,
        ],
      ),
    );
  }

  function sortedIndex(tenantId: string, index: CustomerIndex): SortedIndex {
    const keys = keysFor(tenantId);
    const key =
      index.kind === 'all'
        ? keys.customerIndex
        : index.kind === 'email'
          ? keys.customersByEmail(index.email)
          : keys.customersByFoldedEmail(index.email);
    return {
      countNewerThan: (ms) => (ms === Infinity ? Promise.resolve(0) : redisCall(() => redis.zcount(key, `(${score(ms)}`, '+inf'))),
      countFrom: (ms) => redisCall(() => redis.zcount(key, score(ms), '+inf')),
      rankOf: async (id) => (await redisCall(() => redis.zrevrank(key, id))) ?? undefined,
      async entries(start, stop) {
        const flat = await redisCall(() => redis.zrevrange(key, start, stop, 'WITHSCORES'));
        const positions: ScanPosition[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) positions.push({ id: flat[i] ?? '', createdMs: Number(flat[i + 1]) });
        if (positions.length === 0) return [];
        const values = await redisCall(() => redis.mget(positions.map((p) => keys.customer(p.id))));
        return positions.map((position, i) => {
          const record = parse(values[i] ?? null);
          // A customer deleted between the two reads has left the index: skip it.
          return record && liveCustomer(record) ? { position, record } : { position };
        });
      },
    };
  }

  return {
    async insert(record, event, answer) {
      const outcome = await write(record, undefined, event, answer);
      if (outcome === 1) return { kind: 'created', record };
      const existing = await get(record.tenantId, record.customer.id);
      if (!existing) throw new Error(`customer ${record.customer.id} was taken, then gone`);
      return { kind: 'exists', record: existing };
    },
    get,
    update(tenantId, id, change, announce): Promise<CustomerUpdateResult> {
      return compareAndSetAnnounced(
        `customer ${id}`,
        () => get(tenantId, id),
        change,
        announce,
        (next, current, event) => write(next, current, event),
      );
    },
    list(tenantId, query) {
      // A cursor is a client's string: only a customer id reaches a key.
      return listWindow(sortedIndex(tenantId, query.index), query, async (id) =>
        isCustomerId(id) ? (await get(tenantId, id))?.createdMs : undefined,
      );
    },
    scan(tenantId, query) {
      return scanWindow(sortedIndex(tenantId, query.index), query.window, query.after, query.count);
    },
  };
}
