import type { Config } from '../config';
import { createCachedMappingStore } from './cached-mapping-store';
import type { CustomerStore } from './customer-store';
import type { EventStore } from './event-store';
import { LOOPS_RETRY } from '../loops/retry-policy';
import { idempotencyLockSeconds, type IdempotencyStore } from './idempotency-store';
import { tenantKeysCache } from './keys';
import type { MappingStore } from './mapping-store';
import { createMemoryCustomerStore } from './memory-customer-store';
import { createMemoryEventStore } from './memory-event-store';
import { createMemoryIdempotencyStore } from './memory-idempotency-store';
import { createMemoryMappingStore } from './memory-mapping-store';
import { createMemoryPortalConfigurationStore } from './memory-portal-configuration-store';
import { createMemorySessionStore } from './memory-session-store';
import type { RedisClient } from './redis-connection';
import { createRedisCustomerStore } from './redis-customer-store';
import { createRedisEventStore } from './redis-event-store';
import { createRedisIdempotencyStore } from './redis-idempotency-store';
import { createRedisMappingStore } from './redis-mapping-store';
import { createRedisPortalConfigurationStore } from './redis-portal-configuration-store';
import type { PortalConfigurationStore } from './portal-configuration-store';
import { createRedisSessionStore } from './redis-session-store';
import type { SessionStore } from './session-store';
import { createMemorySubscriptionStore } from './memory-subscription-store';
import { createRedisSubscriptionStore } from './redis-subscription-store';
import { subscriptionKeysCache } from './subscription-keys';
import type { SubscriptionStore } from './subscription-store';

export interface Stores {
  sessions: SessionStore;
  idempotency: IdempotencyStore;
  mappings: MappingStore & { clear(): void };
  events: EventStore;
  customers: CustomerStore;
  /** Billing portal configurations (kept by the gateway: Loops' portal is configured in Loops). */
  portalConfigurations: PortalConfigurationStore;
  /** Subscriptions and their invoices (docs/loops-contract.md §8), written with their events. */
  subscriptions: SubscriptionStore;
}

/** Redis-backed stores, or the in-memory ones when there is no Redis (the sandbox). */
export function createStores(config: Config, redis: RedisClient | undefined, now: () => number, onMappingLookup?: (hit: boolean) => void): Stores {
  const lockSeconds = idempotencyLockSeconds(config.loops.timeoutMs, LOOPS_RETRY.maxAttempts);
  if (!redis || config.redis.kind === 'memory') {
    const idempotency = createMemoryIdempotencyStore(lockSeconds, now);
    const events = createMemoryEventStore(now);
    return {
      sessions: createMemorySessionStore(events, idempotency, now),
      idempotency,
      mappings: createCachedMappingStore(createMemoryMappingStore(events, idempotency, now), onMappingLookup, now),
      events,
      customers: createMemoryCustomerStore(events, idempotency),
      portalConfigurations: createMemoryPortalConfigurationStore(events, idempotency),
      subscriptions: createMemorySubscriptionStore(events),
    };
  }
  const prefix = config.redis.keyPrefix;
  const keysFor = tenantKeysCache(prefix);
  return {
    sessions: createRedisSessionStore(redis, keysFor, now),
    idempotency: createRedisIdempotencyStore(redis, keysFor, lockSeconds),
    mappings: createCachedMappingStore(createRedisMappingStore(redis, keysFor, now), onMappingLookup, now),
    events: createRedisEventStore(redis, keysFor, now),
    customers: createRedisCustomerStore(redis, keysFor, now),
    portalConfigurations: createRedisPortalConfigurationStore(redis, prefix, keysFor, now),
    subscriptions: createRedisSubscriptionStore(redis, subscriptionKeysCache(prefix), keysFor, now),
  };
}
