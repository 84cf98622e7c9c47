import { existsSync } from 'node:fs';
import { Agent } from 'undici';
import type Koa from 'koa';
import { createApp } from './app';
import type { Config, TenantConfig } from './config';
import { buildKeyRegistry } from './http/middleware/authenticate';
import type { GatewayState } from './http/gateway-state';
import { checkoutSessionRoutes } from './http/routes/checkout-sessions';
import { healthRoutes } from './http/routes/health';
import { LOOPS_CONTRACT } from './loops/contract-choices';
import { createLoopsClient } from './loops/loops-client';
import { mappingFilePath, readMappingFile } from './mappings/mapping-files';
import { createLogger, type Logger } from './observability/logger';
import type { TenantContext } from './services/call-context';
import { createCheckoutSessionService } from './services/checkout-sessions/checkout-session-service';
import { createSessionSync } from './services/checkout-sessions/session-sync';
import { createLineItemResolver } from './services/line-item-resolver';
import { noSessionEvents } from './services/session-events';
import { createCachedMappingStore } from './store/cached-mapping-store';
import type { IdempotencyStore } from './store/idempotency-store';
import { tenantKeys } from './store/keys';
import type { MappingStore } from './store/mapping-store';
import { createMemoryIdempotencyStore } from './store/memory-idempotency-store';
import { createMemoryMappingStore } from './store/memory-mapping-store';
import { createMemorySessionStore } from './store/memory-session-store';
import { createRedisClient, type RedisClient } from './store/redis-connection';
import { createRedisIdempotencyStore } from './store/redis-idempotency-store';
import { createRedisMappingStore } from './store/redis-mapping-store';
import { createRedisSessionStore } from './store/redis-session-store';
import type { SessionStore } from './store/session-store';

export interface ContainerOptions {
  logger?: Logger;
  /** Milliseconds since the epoch; tests move time forward. */
  now?: () => number;
}

export interface Container {
  config: Config;
  logger: Logger;
  app: Koa<GatewayState>;
  redis: RedisClient | undefined;
  tenants: TenantContext[];
  stores: { sessions: SessionStore; idempotency: IdempotencyStore; mappings: MappingStore };
  /** Loads each tenant's mapping file into the shared store (start-up and `mappings load`). */
  loadMappings(): Promise<void>;
  /** Stops taking work: /readyz answers 503 while in-flight requests finish. */
  drain(): void;
  close(): Promise<void>;
}

/** The composition root: everything is built here, once, and passed in. */
export function createContainer(config: Config, options: ContainerOptions = {}): Container {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const redis = config.redis.kind === 'memory' ? undefined : createRedisClient(config.redis, logger);
  const keysFor = (tenantId: string) => tenantKeys(config.redis.kind === 'memory' ? 'mem' : config.redis.keyPrefix, tenantId);

  const stores = redis
    ? {
        sessions: createRedisSessionStore(redis, keysFor),
        idempotency: createRedisIdempotencyStore(redis, keysFor),
        mappings: createCachedMappingStore(createRedisMappingStore(redis, keysFor)),
      }
    : {
        sessions: createMemorySessionStore(),
        idempotency: createMemoryIdempotencyStore(now),
        mappings: createCachedMappingStore(createMemoryMappingStore()),
      };

  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
  const tenants = config.tenants.map((tenant: TenantConfig) => ({
    config: tenant,
    loops: createLoopsClient({ apiBase: tenant.loops.apiBase, apiKey: tenant.loops.apiKey, timeoutMs: config.loops.timeoutMs, dispatcher, logger }),
  }));

  const sync = createSessionSync({ sessions: stores.sessions, events: noSessionEvents, now, logger });
  const checkoutSessions = createCheckoutSessionService({
    sessions: stores.sessions,
    idempotency: stores.idempotency,
    sync,
    resolveLineItems: createLineItemResolver(stores.mappings),
    planChoices: { form: config.loopsContract.checkoutForm, lineItemReference: config.loopsContract.lineItemReference },
    now,
    logger,
  });

  let draining = false;
  const readiness = {
    async isReady() {
      if (draining) return false;
      if (!redis) return true;
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
  };

  const app = createApp({
    logger,
    keys: buildKeyRegistry(tenants),
    idempotencyStore: stores.idempotency,
    stripeRoutes: [checkoutSessionRoutes(checkoutSessions)],
    publicRoutes: [healthRoutes(readiness)],
  });

  return {
    config,
    logger,
    app,
    redis,
    tenants,
    stores,
    async loadMappings() {
      for (const tenant of config.tenants) {
        // No file: keep what the shared store has (another instance or `mappings load` put it there).
        if (!existsSync(mappingFilePath(config.mappingsDir, tenant.id))) {
          logger.warn({ tenant: tenant.id, dir: config.mappingsDir }, 'no mapping file for tenant; keeping the mappings already in the store');
          continue;
        }
        const file = await readMappingFile(config.mappingsDir, tenant.id);
        await stores.mappings.replaceAll(tenant.id, file);
        logger.info({ tenant: tenant.id, prices: Object.keys(file.prices).length }, 'mappings loaded');
      }
    },
    drain() {
      draining = true;
    },
    async close() {
      await dispatcher.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export { LOOPS_CONTRACT };
