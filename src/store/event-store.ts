import { z } from 'zod';
import type { ListPage, ListQuery } from './list-scan';

/** Stripe keeps events 30 days (stripe-surface.md §6.1); so does the gateway. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

export const storedEventSchema = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.string(),
    created: z.number().int(),
    livemode: z.boolean(),
    pending_webhooks: z.number().int(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }),
  })
  .loose();

export type StoredEvent = z.infer<typeof storedEventSchema>;

export const loopsEventRecordSchema = z.object({
  outcome: z.enum(['processed', 'unknown_type', 'unknown_session']),
  type: z.string(),
  receivedAt: z.number().int(),
  /** The raw event, kept when the gateway could not act on it. */
  event: z.unknown().optional(),
});
export type LoopsEventRecord = z.infer<typeof loopsEventRecordSchema>;

export interface RecordResult {
  event: StoredEvent;
  /** False when an event with the same dedupe key already existed (it is returned instead). */
  created: boolean;
}

/**
 * The event log per tenant, with an outbox: an event enters the outbox in the same atomic step
 * that records it and leaves once its deliveries are queued, so a crash between the two never
 * loses a delivery (the outbox drainer finishes the job).
 */
export interface EventStore {
  record(tenantId: string, event: StoredEvent, dedupeKey: string): Promise<RecordResult>;
  get(tenantId: string, id: string): Promise<StoredEvent | undefined>;
  list(tenantId: string, query: ListQuery<StoredEvent>): Promise<ListPage<StoredEvent>>;
  /** Ids still in the outbox that were recorded before `beforeMs`, oldest first. */
  outbox(tenantId: string, beforeMs: number, limit: number): Promise<string[]>;
  leaveOutbox(tenantId: string, eventId: string): Promise<void>;
  /** One endpoint got it (2xx): `pending_webhooks` goes down by one. */
  delivered(tenantId: string, eventId: string): Promise<void>;
  /**
   * Whether a Loops webhook event id was already handled, and marking it so (kept 30 days) with
   * what happened to it and, for events the gateway could not use, the event itself to inspect.
   */
  loopsEventHandled(tenantId: string, loopsEventId: string): Promise<boolean>;
  markLoopsEventHandled(tenantId: string, loopsEventId: string, record: LoopsEventRecord): Promise<void>;
  /** What was kept of a handled Loops event. */
  loopsEvent(tenantId: string, loopsEventId: string): Promise<LoopsEventRecord | undefined>;
}
