import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-connection';

/**
 * Commands sent in one socket write and answered in one round trip: for the reads that take one
 * command per id of a page (up to 100), which would otherwise be a write each (auto-pipelining is
 * off, redis-connection.ts). Their keys share one Redis Cluster slot (a tenant's hash tag).
 * Resolves with each command's reply in order; the first command that failed rejects it.
 */
export async function inOneWrite(redis: RedisClient, add: (pipeline: ChainableCommander) => void): Promise<unknown[]> {
  const pipeline = redis.pipeline();
  add(pipeline);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}
