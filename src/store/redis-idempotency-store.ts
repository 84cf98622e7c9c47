import { randomUUID } from 'node:crypto';
import { decodeEntry, encodeEntry, IDEMPOTENCY, outcomeFor, type IdempotencyStore } from './idempotency-store';
import type { TenantKeys } from './keys';
import { luaScript } from './lua-script';
import type { RedisClient } from './redis-connection';
import { redisCall } from './store-unavailable';

/**
 * First request wins, atomically across every gateway instance: take the key if free (else return
 * what holds it), and pin the operation's start time unless a first attempt already did (then the
 * request resumes that operation).
 */
const begin = luaScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local pinned = redis.call('GET', KEYS[2])
local resumed = 1
if not pinned then
  redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
  pinned = ARGV[3]
  resumed = 0
end
return {1, pinned, resumed}`);

/** Delete the lock only if this request still holds it (it may have expired and been retaken), and the pin if asked. */
const releaseIfHeld = luaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local state, token = string.match(current, '^([^\\n]*)\\n[^\\n]*\\n(.*)$')
if state ~= 'in_flight' or token ~= ARGV[1] then return 0 end
if ARGV[2] == 'forget' then redis.call('DEL', KEYS[2]) end
return redis.call('DEL', KEYS[1])`);

export function createRedisIdempotencyStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, lockSeconds: number): IdempotencyStore {
  return {
    async begin(tenantId, key, fingerprint, operationKey, nowMs) {
      const keys = keysFor(tenantId);
      const token = randomUUID();
      const lock = encodeEntry({ state: 'in_flight', fingerprint, token });
      const [started, value, resumed] = (await redisCall(() =>
        begin(redis, [keys.idempotency(key), keys.operation(operationKey)], [lock, lockSeconds, nowMs, IDEMPOTENCY.retentionSeconds]),
      )) as [number, string, number?];
      if (started === 1) return { kind: 'started', token, startedAtMs: Number(value), resumed: resumed === 1 };
      return outcomeFor(decodeEntry(value), fingerprint);
    },
    async complete(tenantId, key, fingerprint, response) {
      const entry = encodeEntry({ state: 'done', fingerprint, response });
      await redisCall(() => redis.set(keysFor(tenantId).idempotency(key), entry, 'EX', IDEMPOTENCY.retentionSeconds));
    },
    async release(tenantId, key, token, operationKey) {
      const keys = keysFor(tenantId);
      // Without an operation to forget, KEYS[2] is the idempotency key itself and is left alone.
      const pin = operationKey ? keys.operation(operationKey) : keys.idempotency(key);
      await redisCall(() => releaseIfHeld(redis, [keys.idempotency(key), pin], [token, operationKey ? 'forget' : 'keep']));
    },
  };
}
