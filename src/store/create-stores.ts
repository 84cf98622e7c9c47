import type { Config } from '../config';
import { createCachedMappingStore } from './cached-mapping-store';
import type { EventStore } from './event-store';
import { LOOPS_RETRY } from '../loops/retry-policy';
import { idempotencyLockSeconds, type IdempotencyStore } from './idempotency-store';
import { tenantKeysCache } from './keys';
import type { MappingStore } from './mapping-store';
import { createMemoryEventStore } from './memory-event-store';
import { createMemoryIdempotencyStore } from './memory-idempotency-store';
import { createMemoryMappingStore } from './memory-mapping-store';
import { createMemorySessionStore } from './memory-session-store';
import type { RedisClient } from './redis-connection';
import { createRedisEventStore } from './redis-event-store';
import { createRedisIdempotencyStore } from './redis-idempotency-store';
import { createRedisMappingStore } from './redis-mapping-store';
import { createRedisSessionStore } from './redis-session-store';
import type { SessionStore } from './session-store';

export interface Stores {
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  mappings: MappingStore & { clear(): void };
  events: EventStore;
}

/** Redis-backed stores, or the in-memory ones when there is no Redis (the sandbox). */
export function createStores(config: Config, redis: RedisClient | undefined, now: () => number, onMappingLookup?: (hit: boolean) => void): Stores {
  const lockSeconds = idempotencyLockSeconds(config.loops.timeoutMs, LOOPS_RETRY.maxAttempts);
  if (!redis || config.redis.kind === 'memory') {
    const idempotency = createMemoryIdempotencyStore(lockSeconds, now);
    const events = createMemoryEventStore(now);
    return {
      sessions: createMemorySessionStore(events, idempotency),
      idempotency,
      mappings: createCachedMappingStore(createMemoryMappingStore(events, idempotency, now), onMappingLookup, now),
      events,
    };
  }
  const prefix = config.redis.keyPrefix;
  const keysFor = tenantKeysCache(prefix);
  return {
    sessions: createRedisSessionStore(redis, keysFor, now),
    idempotency: createRedisIdempotencyStore(redis, keysFor, lockSeconds),
    mappings: createCachedMappingStore(createRedisMappingStore(redis, keysFor, now), onMappingLookup, now),
    events: createRedisEventStore(redis, keysFor, now),
  };
}
