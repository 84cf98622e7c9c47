import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { createRedisClient, type RedisClient } from '../store/redis-connection';
import { createBullmqDeliveryQueue } from './bullmq-delivery-queue';
import type { DeliveryJob, DeliveryQueue } from './delivery-queue';
import { createMemoryDeliveryQueue } from './memory-delivery-queue';

/** BullMQ on the shared Redis, or the in-process stand-in for the sandbox. */
export function createDeliveryQueue(
  config: Config,
  redis: RedisClient | undefined,
  deliver: (job: DeliveryJob, logger: Logger) => Promise<unknown>,
  logger: Logger,
): DeliveryQueue {
  const redisConfig = config.redis;
  if (!redis || redisConfig.kind === 'memory') return createMemoryDeliveryQueue({ schedule: config.webhooks.retryScheduleMs, deliver, logger });
  // BullMQ gets connections of its own: the worker's blocking commands need a connection that
  // never gives up (maxRetriesPerRequest: null); the producer still fails fast while Redis is away.
  // Each names itself in its error lines, so an outage reads as one line per connection.
  return createBullmqDeliveryQueue({
    producer: createRedisClient(redisConfig, logger.child({ connection: 'queue-producer' }), { enableAutoPipelining: false }),
    consumer: () =>
      createRedisClient(redisConfig, logger.child({ connection: 'queue-consumer' }), { maxRetriesPerRequest: null, enableAutoPipelining: false }),
    // The braces are a hash tag: all of the queue's keys land in one Redis Cluster slot.
    prefix: `{${redisConfig.keyPrefix}:queue}`,
    schedule: config.webhooks.retryScheduleMs,
    concurrency: config.webhooks.concurrency,
    deliver,
    logger,
  });
}
