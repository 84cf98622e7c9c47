import { hash } from 'node:crypto';
import { z } from 'zod';
import { scopedLogger, type Logger } from '../observability/logger';

/** One event to one merchant endpoint. */
export interface DeliveryJob {
  tenantId: string;
  eventId: string;
  endpointUrl: string;
  /**
   * The API request that caused the event (its `request.id`), so the worker's log lines for the
   * delivery can be found by the same grep as the request. Not part of the job's identity; jobs
   * queued before it existed, and events no request caused, have none.
   */
  requestId?: string;
}

export interface FailedDelivery extends DeliveryJob {
  jobId: string;
  attempts: number;
  lastError: string;
  failedAt: number | null;
}

export interface QueueDepth {
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
}

/**
 * Durable, retried delivery of Stripe events (BullMQ on Redis; an in-memory stand-in for the
 * sandbox). Enqueueing the same event for the same endpoint twice is one job, not two.
 */
export interface DeliveryQueue {
  /** `replayOf` makes new jobs even where the (event, endpoint) was delivered before (a manual re-send). */
  enqueue(jobs: DeliveryJob[], replayOf?: string): Promise<void>;
  /** Starts consuming (a gateway instance does; the CLI does not). */
  startWorker(): void;
  failed(limit: number): Promise<FailedDelivery[]>;
  /** Puts failed deliveries back in line with a fresh retry budget: all of them, or those `keep` accepts. */
  replayFailed(keep?: (job: DeliveryJob) => Promise<boolean>): Promise<number>;
  /**
   * One event's deliveries to `endpointUrls`, attempted now: failed ones with a fresh retry budget,
   * ones waiting for their next retry brought forward. Returns the endpoints that have a delivery
   * in line afterwards (ones already waiting or running included), so the caller queues only the rest.
   */
  retryEventNow(tenantId: string, eventId: string, endpointUrls: string[]): Promise<string[]>;
  depth(): Promise<QueueDepth>;
  /**
   * Stops taking jobs and waits for attempts in flight (each bounded by WEBHOOK_TIMEOUT_MS). Never
   * waits on an unreachable Redis: an attempt that cannot be acknowledged is retried elsewhere.
   */
  stopWorker(): Promise<void>;
  /** `stopWorker`, then closes the queue's connections. */
  close(): Promise<void>;
}

const causedByRequest = z.object({ request: z.object({ id: z.string().min(1) }) });

/**
 * The jobs that deliver one stored event to these endpoints. They carry the id of the API request
 * that caused the event, if any, so the attempts' log lines name it; automatic events carry none.
 */
export function deliveryJobs(tenantId: string, event: { id: string }, endpointUrls: string[]): DeliveryJob[] {
  const parsed = causedByRequest.safeParse(event);
  const cause = parsed.success ? { requestId: parsed.data.request.id } : {};
  return endpointUrls.map((endpointUrl) => ({ tenantId, eventId: event.id, endpointUrl, ...cause }));
}

/**
 * The logger of a delivery attempt: its lines carry the causing request's id when there is one,
 * else the job's (`job_…`), and the tenant, so every line the worker writes for it names both.
 */
export function deliveryLogger(logger: Logger, job: DeliveryJob, jobId: string): Logger {
  return scopedLogger(logger, { requestId: job.requestId ?? `job_${jobId}`, tenant: job.tenantId });
}

/** Deterministic per (event, endpoint), so re-enqueueing is a no-op; no ':' (BullMQ's separator). */
export function deliveryJobId(job: DeliveryJob, replayOf?: string): string {
  const endpoint = hash('sha256', job.endpointUrl, 'hex').slice(0, 16);
  return `${job.tenantId}~${job.eventId}~${endpoint}${replayOf ? `~replay-${replayOf}` : ''}`;
}
