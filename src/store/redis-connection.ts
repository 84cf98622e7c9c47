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
  // Off: each command is written when it is issued (commands issued together still share one
  // round trip: ioredis does not wait for a reply before writing the next). ioredis' auto-pipelining
  // once paid for itself here (it batched the two Lua calls of each create when write syscalls were
  // a fifth of the CPU), but it runs one batch at a time per connection, and what it holds was
  // kept past minor GCs: at a steady 200 creates/s, 15 KB of each create was promoted with it and
  // 2 KB without, full GCs fell from 3 to 1 per 2,400 creates and the bench's p99 over the proxy
  // from 12–18 to 5–9 ms; at 50 connections minor-GC time fell a third and CPU per create stayed
  // within noise (paired and interleaved runs, issue 13). BullMQ's connections were already off.
  enableAutoPipelining: false,
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

/**
 * A readiness probe must answer well inside a load balancer's probe timeout (often 1 s) even when
 * Redis does not: a PING that has not answered in this long counts as "not ready".
 */
export const READY_PING_TIMEOUT_MS = 300;

/**
 * "Does Redis answer?", in at most READY_PING_TIMEOUT_MS. While the connection is down the answer
 * is no at once: a PING would wait in ioredis' offline queue for the next reconnect attempt (up
 * to 2 s apart), one more per probe. While it is up but Redis does not reply, probes share the
 * one PING in flight instead of stacking a new one on the connection each time.
 */
export function createRedisProbe(client: RedisClient, timeoutMs = READY_PING_TIMEOUT_MS): () => Promise<boolean> {
  let inFlight: Promise<boolean> | undefined;
  return async () => {
    if (client.status !== 'ready') return false;
    const ping = (inFlight ??= client
      .ping()
      .then(
        (reply) => reply === 'PONG',
        () => false,
      )
      .finally(() => {
        inFlight = undefined;
      }));
    return (await settlesWithin(ping, timeoutMs)) && (await ping);
  };
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
