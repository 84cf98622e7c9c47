import { createHash } from 'node:crypto';

/** One event to one merchant endpoint. */
export interface DeliveryJob {
  tenantId: string;
  eventId: string;
  endpointUrl: string;
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
  /** Stops taking jobs and waits for attempts in flight. */
  close(): Promise<void>;
}

/** Deterministic per (event, endpoint), so re-enqueueing is a no-op; no ':' (BullMQ's separator). */
export function deliveryJobId(job: DeliveryJob, replayOf?: string): string {
  const endpoint = createHash('sha256').update(job.endpointUrl).digest('hex').slice(0, 16);
  return `${job.tenantId}~${job.eventId}~${endpoint}${replayOf ? `~replay-${replayOf}` : ''}`;
}
