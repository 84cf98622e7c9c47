import pino from 'pino';
import { Agent } from 'undici';
import { ConfigError, loadConfig, type Config, type TenantConfig } from '../config';
import { createLoopsClient, type LoopsClient } from '../loops/loops-client';
import { createLogger, type Logger } from '../observability/logger';
import { tenantKeys, type TenantKeys } from '../store/keys';
import type { MappingStore } from '../store/mapping-store';
import { createRedisClient, type RedisClient } from '../store/redis-connection';
import { createRedisMappingStore } from '../store/redis-mapping-store';
import { UsageError } from './cli-env';

/** What a CLI command works with, built from the gateway's own configuration (src/config). */
export interface CliDeps {
  config: Config;
  logger: Logger;
  /** Undefined without REDIS_URL / REDIS_CLUSTER_NODES. */
  redis: RedisClient | undefined;
  store: MappingStore | undefined;
  tenant(id: string): TenantConfig;
  /** `maxAttempts` per call inside the client (default the gateway's; the map tool passes 1). */
  loopsFor(tenant: TenantConfig, options?: { maxAttempts?: number }): LoopsClient;
  keysFor(tenantId: string): TenantKeys;
  close(): Promise<void>;
}

/**
 * The same path as the gateway: `loadConfig(env)`, then the Redis client and stores of src/store.
 * Logs go to stderr, so stdout carries only what the command prints.
 */
export function buildCliDeps(env: Record<string, string | undefined>, connections = 16): CliDeps {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (config.sandbox) {
    throw new UsageError('No Loops is configured: set LOOPS_API_BASE and LOOPS_API_KEY with GATEWAY_API_KEYS (or TENANTS_FILE), as for the gateway.');
  }
  const logger = createLogger(config.logLevel, pino.destination({ fd: 2, sync: true }));
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections });
  const redis = config.redis.kind === 'memory' ? undefined : createRedisClient(config.redis, logger);
  const keysFor = (id: string) => tenantKeys(config.redis.kind === 'memory' ? 'mem' : config.redis.keyPrefix, id);
  return {
    config,
    logger,
    redis,
    store: redis ? createRedisMappingStore(redis, keysFor) : undefined,
    tenant(id) {
      const found = config.tenants.find((candidate) => candidate.id === id);
      if (!found) throw new UsageError(`Unknown tenant "${id}"; configured: ${config.tenants.map((t) => t.id).join(', ')}`);
      return found;
    },
    loopsFor: (tenant, options = {}) =>
      createLoopsClient({
        apiBase: tenant.loops.apiBase,
        apiKey: tenant.loops.apiKey,
        timeoutMs: config.loops.timeoutMs,
        dispatcher,
        logger,
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      }),
    keysFor,
    async close() {
      await dispatcher.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
