import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { onceEachUntilReset } from '../observability/repeated-errors';
import { settlesWithin } from '../background/settles-within';

export type RedisClient = Redis | Cluster;

/**
 * Commands fail fast while Redis is away (one retry, then an error the gateway answers as a
 * retryable 503) instead of queueing without bound; the connection itself keeps reconnecting.
 */
const COMMAND_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  // Commands issued in one event-loop turn leave in one socket write. Under load the write syscalls
  // to Redis were a fifth of the gateway's CPU (two Lua calls per create); batched, the create
  // benchmark's throughput rose from about 1,800 to 2,500 req/s (peak RSS 165 → 220 MiB). MULTI
  // blocks are still written whole, and BullMQ's connections opt out (create-delivery-queue.ts).
  enableAutoPipelining: true,
  retryStrategy: (times) => Math.min(times * 100, 2000),
  connectTimeout: 5000,
};

export function createRedisClient(config: Exclude<Config['redis'], { kind: 'memory' }>, logger: Logger, options: RedisOptions = {}): RedisClient {
  const merged = { ...COMMAND_OPTIONS, ...options };
  const client =
    config.kind === 'cluster'
      ? new Cluster(config.nodes, { redisOptions: merged, clusterRetryStrategy: merged.retryStrategy })
      : new Redis(config.url, merged);
  // ioredis emits the same connection error on every reconnect attempt; log each one once.
  const errors = onceEachUntilReset((message) => logger.warn({ err: message }, 'redis connection error'));
  client.on('error', (error: Error) => errors.report(error));
  client.on('ready', () => {
    if (errors.reset()) logger.info('redis connection restored');
  });
  return client;
}

/** QUIT answers in a millisecond from a healthy Redis; longer means it is not answering. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * Closes a client without waiting on an unreachable Redis: QUIT (which lets replies in flight
 * arrive) only while the connection is ready, and only briefly; otherwise the socket is dropped.
 * A client with `maxRetriesPerRequest: null` (BullMQ's) would hold QUIT until Redis came back,
 * which during an outage is forever.
 */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  const ended = () => client.status === 'end';
  if (ended()) return;
  if (client.status === 'ready') await settlesWithin(client.quit(), QUIT_TIMEOUT_MS);
  // Also after a QUIT that failed or did not answer: stops ioredis reconnecting.
  if (!ended()) client.disconnect();
}
