import { randomUUID } from 'node:crypto';
import {
  decodeEntry,
  decodeOperationRecord,
  earlierAttemptsOf,
  encodeEntry,
  IDEMPOTENCY,
  outcomeFor,
  type IdempotencyStore,
} from './idempotency-store';
import type { TenantKeys } from './keys';
import { luaScript } from './lua-script';
import type { RedisClient } from './redis-connection';
import { redisCall } from './store-unavailable';

/**
 * The operation record's three fields (idempotency-store.ts `OperationRecord`), read from the
 * record at KEYS[n]; a record from before the last two fields existed reads as still running.
 */
const readRecord = `
local function readRecord(raw)
  local started, running, unresolved = string.match(raw, '^(%d+)\\n(%d+)\\n(%d+)$')
  if started then return started, running, unresolved end
  return raw, raw, '0'
end`;

/**
 * First request wins, atomically across every gateway instance: take the key if free (else return
 * what holds it); pin the operation's start time unless a first attempt already did (then the
 * request resumes that operation, and gets back what the earlier attempts left). Either way the
 * record now says this attempt is running, so if it never ends the next one knows.
 */
const begin = luaScript(`${readRecord}
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local pinned = redis.call('GET', KEYS[2])
if not pinned then
  redis.call('SET', KEYS[2], ARGV[3] .. '\\n' .. ARGV[3] .. '\\n0', 'EX', ARGV[4])
  return {1, ARGV[3], 0}
end
local started, _, unresolved = readRecord(pinned)
redis.call('SET', KEYS[2], started .. '\\n' .. ARGV[3] .. '\\n' .. unresolved, 'KEEPTTL')
return {1, pinned, 1}`);

/**
 * Delete the lock only if this request still holds it (it may have expired and been retaken); then
 * the attempt has ended. The record is forgotten if asked and it holds no unresolved create.
 */
const releaseIfHeld = luaScript(`${readRecord}
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local state, token = string.match(current, '^([^\\n]*)\\n[^\\n]*\\n(.*)$')
if state ~= 'in_flight' or token ~= ARGV[1] then return 0 end
local pinned = redis.call('GET', KEYS[2])
if pinned then
  local started, _, unresolved = readRecord(pinned)
  if ARGV[2] == 'forget' and unresolved == '0' then
    redis.call('DEL', KEYS[2])
  else
    redis.call('SET', KEYS[2], started .. '\\n0\\n' .. unresolved, 'KEEPTTL')
  end
end
return redis.call('DEL', KEYS[1])`);

/** Raise the record's unresolved-until to ARGV[1] (never lower it); 0 when there is no record. */
const noteUnresolved = luaScript(`${readRecord}
local pinned = redis.call('GET', KEYS[1])
if not pinned then return 0 end
local started, running, unresolved = readRecord(pinned)
if tonumber(ARGV[1]) > tonumber(unresolved) then unresolved = ARGV[1] end
redis.call('SET', KEYS[1], started .. '\\n' .. running .. '\\n' .. unresolved, 'KEEPTTL')
return 1`);

export function createRedisIdempotencyStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys, lockSeconds: number): IdempotencyStore {
  return {
    async begin(tenantId, key, fingerprint, operationKey, nowMs) {
      const keys = keysFor(tenantId);
      const token = randomUUID();
      const lock = encodeEntry({ state: 'in_flight', fingerprint, token });
      const [started, value, resumed] = (await redisCall(() =>
        begin(redis, [keys.idempotency(key), keys.operation(operationKey)], [lock, lockSeconds, nowMs, IDEMPOTENCY.retentionSeconds]),
      )) as [number, string, number?];
      if (started !== 1) return outcomeFor(decodeEntry(value), fingerprint);
      const record = decodeOperationRecord(value);
      return {
        kind: 'started',
        token,
        startedAtMs: record.startedAtMs,
        earlier: resumed === 1 ? earlierAttemptsOf(record, lockSeconds * 1000) : null,
        lockedUntilMs: nowMs + lockSeconds * 1000,
      };
    },
    async complete(tenantId, key, fingerprint, response) {
      const entry = encodeEntry({ state: 'done', fingerprint, response });
      await redisCall(() => redis.set(keysFor(tenantId).idempotency(key), entry, 'EX', IDEMPOTENCY.retentionSeconds));
    },
    async release(tenantId, key, token, operationKey, forget) {
      const keys = keysFor(tenantId);
      await redisCall(() => releaseIfHeld(redis, [keys.idempotency(key), keys.operation(operationKey)], [token, forget ? 'forget' : 'keep']));
    },
    async noteUnresolved(tenantId, operationKey, untilMs) {
      const noted = await redisCall(() => noteUnresolved(redis, [keysFor(tenantId).operation(operationKey)], [Math.ceil(untilMs)]));
      return noted === 1;
    },
  };
}
