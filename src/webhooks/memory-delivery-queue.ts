import type { Logger } from '../observability/logger';
import { deliveryLogger, deliveryJobId, type DeliveryJob, type DeliveryQueue, type FailedDelivery } from './delivery-queue';
import { deliveryBackoff } from './retry-schedule';

interface Entry {
  id: string;
  job: DeliveryJob;
  attempts: number;
  state: 'waiting' | 'delayed' | 'active' | 'done' | 'failed';
  lastError: string;
  failedAt: number | null;
  timer?: NodeJS.Timeout;
}

/**
 * The zero-config sandbox's delivery queue: same retry schedule and dedupe as the BullMQ one, but
 * in this process only, so nothing survives a restart (the sandbox says so when it starts).
 */
export function createMemoryDeliveryQueue(options: {
  schedule: number[];
  /** `logger` names the attempt (deliveryLogger): its lines go there. */
  deliver: (job: DeliveryJob, logger: Logger) => Promise<unknown>;
  logger: Logger;
}): DeliveryQueue {
  const entries = new Map<string, Entry>();
  let running = false;
  const inFlight = new Set<Promise<void>>();

  const attempt = (entry: Entry) => {
    if (!running) return;
    entry.state = 'active';
    const logger = deliveryLogger(options.logger, entry.job, entry.id);
    const work = options
      .deliver(entry.job, logger)
      .then(() => {
        entry.state = 'done';
      })
      .catch((error: unknown) => {
        entry.attempts += 1;
        entry.lastError = (error as Error).message;
        if (entry.attempts > options.schedule.length) {
          entry.state = 'failed';
          entry.failedAt = Date.now();
          logger.error({ eventId: entry.job.eventId, err: entry.lastError }, 'webhook delivery failed for good');
          return;
        }
        entry.state = 'delayed';
        entry.timer = setTimeout(() => attempt(entry), deliveryBackoff(options.schedule, entry.attempts, error as Error));
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  /** Nothing to disconnect: stopping the worker is closing the queue. */
  const stopWorker = async () => {
    running = false;
    for (const entry of entries.values()) clearTimeout(entry.timer);
    await Promise.allSettled([...inFlight]);
  };

  return {
    async enqueue(jobs, replayOf) {
      for (const job of jobs) {
        const id = deliveryJobId(job, replayOf);
        if (entries.has(id)) continue;
        const entry: Entry = { id, job, attempts: 0, state: 'waiting', lastError: '', failedAt: null };
        entries.set(id, entry);
        attempt(entry);
      }
    },
    startWorker() {
      running = true;
      for (const entry of entries.values()) if (entry.state === 'waiting') attempt(entry);
    },
    async failed(limit) {
      const failed: FailedDelivery[] = [];
      for (const [jobId, entry] of entries) {
        if (entry.state === 'failed')
          failed.push({ ...entry.job, jobId, attempts: entry.attempts, lastError: entry.lastError, failedAt: entry.failedAt });
      }
      return failed.slice(0, limit);
    },
    async replayFailed(keep) {
      let count = 0;
      for (const entry of entries.values()) {
        if (entry.state !== 'failed' || (keep && !(await keep(entry.job)))) continue;
        entry.attempts = 0;
        attempt(entry);
        count += 1;
      }
      return count;
    },
    async retryEventNow(tenantId, eventId, endpointUrls) {
      const wanted = new Set(endpointUrls);
      const inLine = new Set<string>();
      for (const entry of entries.values()) {
        const { job } = entry;
        if (job.tenantId !== tenantId || job.eventId !== eventId || !wanted.has(job.endpointUrl) || entry.state === 'done') continue;
        if (entry.state === 'failed') entry.attempts = 0;
        if (entry.state === 'failed' || entry.state === 'delayed') {
          clearTimeout(entry.timer);
          attempt(entry);
        }
        inLine.add(job.endpointUrl);
      }
      return [...inLine];
    },
    async depth() {
      const count = (state: Entry['state']) => [...entries.values()].filter((entry) => entry.state === state).length;
      return { waiting: count('waiting'), delayed: count('delayed'), active: count('active'), failed: count('failed') };
    },
    stopWorker,
    close: stopWorker,
  };
}
