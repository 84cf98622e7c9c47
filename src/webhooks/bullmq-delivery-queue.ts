import { Queue, Worker, type Job } from 'bullmq';
import { settlesWithin } from '../background/settles-within';
import type { Logger } from '../observability/logger';
import { onceEachUntilReset } from '../observability/repeated-errors';
import { closeRedisClient, type RedisClient } from '../store/redis-connection';
import { deliveryJobId, deliveryLogger, type DeliveryJob, type DeliveryQueue } from './delivery-queue';
import { deliveryBackoff } from './retry-schedule';

export interface BullmqQueueOptions {
  /** For adding jobs from request handlers: fails fast while Redis is away. Closed with the queue. */
  producer: RedisClient;
  /** For the worker's blocking commands: BullMQ requires `maxRetriesPerRequest: null`. */
  consumer: () => RedisClient;
  /** Key prefix; in a hash tag so every key of the queue shares a Redis Cluster slot. */
  prefix: string;
  schedule: number[];
  concurrency: number;
  /** `logger` names the attempt (deliveryLogger): its lines go there. */
  deliver: (job: DeliveryJob, logger: Logger) => Promise<unknown>;
  logger: Logger;
}

export const QUEUE_NAME = 'webhook-deliveries';

const PAGE = 500;
/** A replayed delivery starts its retry schedule over. */
const FRESH_BUDGET = { resetAttemptsMade: true, resetAttemptsStarted: true };
/** Job states in which a delivery is already on its way. */
const IN_LINE = new Set(['waiting', 'active', 'prioritized', 'waiting-children']);

/**
 * A worker renews its job lock every lockDuration/2 while an attempt runs; if it dies, the job is
 * found stalled within about lockDuration + stalledInterval and attempted again by any instance.
 */
export const WORKER_LOCKS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

/**
 * Once attempts in flight have ended, BullMQ acknowledges them and closes in milliseconds; if it
 * has not after this long, Redis is not answering and its connections are dropped instead.
 */
const CLOSE_GRACE_MS = 2_000;

/**
 * Deliveries on BullMQ: several gateway instances share the queue (BullMQ's job locks mean one
 * attempt at a time per job), retries follow the schedule, and jobs survive any crash.
 * Completed jobs are kept a day so a re-enqueued (event, endpoint) is recognised and not re-sent.
 */
export function createBullmqDeliveryQueue(options: BullmqQueueOptions): DeliveryQueue {
  const queue = new Queue<DeliveryJob>(QUEUE_NAME, { connection: options.producer, prefix: options.prefix });
  // Without a listener BullMQ prints the raw error and its stack to stderr, outside the JSON log.
  const queueErrors = onceEachUntilReset((message) => options.logger.warn({ err: message }, 'delivery queue error'));
  queue.on('error', (error) => queueErrors.report(error));
  options.producer.on('ready', () => queueErrors.reset());
  let worker: Worker<DeliveryJob> | undefined;
  let consumer: RedisClient | undefined;
  let stopping: Promise<void> | undefined;
  /** Attempts running in this process (the worker's processor calls not yet settled). */
  const inFlight = new Set<Promise<unknown>>();
  const jobOptions = {
    attempts: options.schedule.length + 1,
    backoff: { type: 'schedule' },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };

  const stopWorker = (): Promise<void> => {
    const running = worker;
    if (!running) return Promise.resolve();
    stopping ??= (async () => {
      // From here the worker fetches no new job; BullMQ resolves close() once the attempts in
      // flight are acknowledged, which never happens while Redis is away.
      const closing = running.close().catch(() => undefined);
      // Each attempt ends by itself: deliverOnce is bounded by WEBHOOK_TIMEOUT_MS. Looped, for a
      // job that was being fetched just as close() was called.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      if (await settlesWithin(closing, CLOSE_GRACE_MS)) return;
      // Nothing is lost by dropping the connections: an attempt whose result could not be
      // recorded keeps its job active in Redis, and once its lock expires BullMQ's stalled-job
      // check (WORKER_LOCKS) on any instance puts it back in line; the endpoint may see it twice.
      options.logger.warn('delivery worker did not close in time (Redis unreachable?); dropping its connections');
      if (consumer) await closeRedisClient(consumer);
      // BullMQ's own blocking connection, without waiting for its 'end': ioredis never emits one
      // for a connection dropped between reconnect attempts (so worker.disconnect() would hang).
      await settlesWithin(running.backend.disconnectBlocking(false), CLOSE_GRACE_MS);
    })();
    return stopping;
  };

  return {
    async enqueue(jobs, replayOf) {
      const [only] = jobs;
      if (!only) return;
      // One endpoint (the usual case): one script call. addBulk builds an ioredis pipeline, which
      // first copies onto itself every script BullMQ defined on the connection (dozens): a tenth
      // of the gateway's CPU per webhook event. Same job, same id, so the same "already queued" no-op.
      if (jobs.length === 1) {
        await queue.add('deliver', only, { ...jobOptions, jobId: deliveryJobId(only, replayOf) });
        return;
      }
      await queue.addBulk(jobs.map((data) => ({ name: 'deliver', data, opts: { ...jobOptions, jobId: deliveryJobId(data, replayOf) } })));
    },
    startWorker() {
      const processJob = (job: Job<DeliveryJob>) => {
        const attempt = options.deliver(job.data, deliveryLogger(options.logger, job.data, job.id ?? ''));
        inFlight.add(attempt);
        return attempt.finally(() => inFlight.delete(attempt));
      };
      worker = new Worker<DeliveryJob>(QUEUE_NAME, processJob, {
        connection: (consumer = options.consumer()),
        prefix: options.prefix,
        concurrency: options.concurrency,
        ...WORKER_LOCKS,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => deliveryBackoff(options.schedule, attemptsMade, error),
        },
      });
      worker.on('failed', (job, error) => {
        const final = job !== undefined && job.attemptsMade >= jobOptions.attempts;
        const logger = job ? deliveryLogger(options.logger, job.data, job.id ?? '') : options.logger;
        logger[final ? 'error' : 'warn'](
          { eventId: job?.data.eventId, attempt: job?.attemptsMade, err: error.message },
          final ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry',
        );
      });
      // While Redis is away the worker fails its fetch about twice a second; once per message is enough.
      const workerErrors = onceEachUntilReset((message) => options.logger.warn({ err: message }, 'delivery worker error'));
      worker.on('error', (error) => workerErrors.report(error));
      consumer.on('ready', () => workerErrors.reset());
    },
    async failed(limit) {
      const jobs = await queue.getFailed(0, limit - 1);
      return jobs.map((job) => ({
        ...job.data,
        jobId: job.id ?? '',
        attempts: job.attemptsMade,
        lastError: job.failedReason,
        failedAt: job.finishedOn ?? null,
      }));
    },
    async replayFailed(keep) {
      let replayed = 0;
      for (let start = 0; ; start += PAGE) {
        const jobs = await queue.getFailed(start, start + PAGE - 1);
        let moved = 0;
        for (const job of jobs) {
          if (keep && !(await keep(job.data))) continue;
          await job.retry('failed', FRESH_BUDGET);
          moved += 1;
        }
        replayed += moved;
        // Retried jobs leave the failed list, so the next page starts where this one ended, minus them.
        start -= moved;
        if (jobs.length < PAGE) return replayed;
      }
    },
    async retryEventNow(tenantId, eventId, endpointUrls) {
      const wanted = new Set(endpointUrls);
      const inLine = new Set<string>();
      const ofEvent = (job: Job<DeliveryJob>) => job.data.tenantId === tenantId && job.data.eventId === eventId && wanted.has(job.data.endpointUrl);
      // Failed and delayed (waiting for a retry) jobs, earlier manual replays included.
      for (const state of ['failed', 'delayed'] as const) {
        for (let start = 0; ; start += PAGE) {
          const jobs = await queue.getJobs([state], start, start + PAGE - 1, true);
          const chosen = jobs.filter(ofEvent);
          for (const job of chosen) {
            if (state === 'failed') await job.retry('failed', FRESH_BUDGET);
            else await job.promote();
            inLine.add(job.data.endpointUrl);
          }
          // Both leave the list they were in: the next page starts earlier by as many.
          start -= chosen.length;
          if (jobs.length < PAGE) break;
        }
      }
      for (const endpointUrl of wanted) {
        if (inLine.has(endpointUrl)) continue;
        const job = await queue.getJob(deliveryJobId({ tenantId, eventId, endpointUrl }));
        if (job && IN_LINE.has(await job.getState())) inLine.add(endpointUrl);
      }
      return [...inLine];
    },
    async depth() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        failed: counts.failed ?? 0,
      };
    },
    stopWorker,
    async close() {
      await stopWorker();
      // The queue was handed its connection, so closing it only stops BullMQ using it; bounded
      // because it first waits for the connection's initialisation, which an outage can stall.
      await settlesWithin(queue.close(), CLOSE_GRACE_MS);
      // BullMQ leaves connections it was handed open; both are the queue's alone.
      if (consumer) await closeRedisClient(consumer);
      await closeRedisClient(options.producer);
    },
  };
}
