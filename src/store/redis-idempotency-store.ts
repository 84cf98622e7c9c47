import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY, idempotencyEntrySchema, outcomeFor, type IdempotencyStore } from './idempotency-store';
import type { TenantKeys } from './keys';
import type { RedisClient } from './redis-connection';
import { redisCall } from './store-unavailable';

/** Delete the lock only if this request still holds it (it may have expired and been retaken). */
const RELEASE_IF_HELD = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local entry = cjson.decode(current)
if entry.state == 'in_flight' and entry.token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function createRedisIdempotencyStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys): IdempotencyStore {
  return {
    async begin(tenantId, key, fingerprint) {
      const redisKey = keysFor(tenantId).idempotency(key);
      const token = randomUUID();
      const lock = JSON.stringify({ state: 'in_flight', fingerprint, token });
      // SET NX makes "first request wins" atomic across every gateway instance.
      if ((await redisCall(() => redis.set(redisKey, lock, 'EX', IDEMPOTENCY.lockSeconds, 'NX'))) === 'OK') return { kind: 'started', token };
      const existing = await redisCall(() => redis.get(redisKey));
      return outcomeFor(existing === null ? undefined : idempotencyEntrySchema.parse(JSON.parse(existing)), fingerprint);
    },
    async complete(tenantId, key, fingerprint, response) {
      const entry = JSON.stringify({ state: 'done', fingerprint, response });
      await redisCall(() => redis.set(keysFor(tenantId).idempotency(key), entry, 'EX', IDEMPOTENCY.retentionSeconds));
    },
    async pin(tenantId, operationKey, value) {
      const redisKey = keysFor(tenantId).operation(operationKey);
      if ((await redisCall(() => redis.set(redisKey, value, 'EX', IDEMPOTENCY.retentionSeconds, 'NX'))) === 'OK') return value;
      return (await redisCall(() => redis.get(redisKey))) ?? value;
    },
    async release(tenantId, key, token) {
      await redisCall(() => redis.eval(RELEASE_IF_HELD, 1, keysFor(tenantId).idempotency(key), token));
    },
  };
}
