import { z } from 'zod';
import { jsonObjectSchema } from './json-object-schema';
import type { ListPage, ListQuery } from './list-scan';

/** Stripe keeps events 30 days (docs/stripe-checkout-contract.md §6.1); so does the gateway. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

export const storedEventSchema = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.string(),
    created: z.number().int(),
    livemode: z.boolean(),
    /**
     * As stored: the endpoints the event was meant for when it was recorded. As read: those that
     * have not answered 2xx yet (docs/stripe-checkout-contract.md §6.1), counted per endpoint, not per attempt.
     */
    pending_webhooks: z.number().int(),
    data: z.object({ object: jsonObjectSchema, previous_attributes: jsonObjectSchema.optional() }),
  })
  .loose();

export type StoredEvent = z.infer<typeof storedEventSchema>;

export const loopsEventRecordSchema = z.object({
  /**
   * `invalid_shape`: a known type whose object the gateway could not read. It was refused (so
   * Loops sends it again) and does not count as handled: a resend is processed afresh.
   */
  outcome: z.enum(['processed', 'unknown_type', 'unknown_session', 'invalid_shape']),
  type: z.string(),
  receivedAt: z.number().int(),
  /** The raw event, kept when the gateway could not act on it. */
  event: z.unknown().optional(),
  /** What was wrong with it, for an operator. */
  problem: z.string().optional(),
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
  /** Newest first; `query.narrow` in the terms of event-indexes.ts. */
  list(tenantId: string, query: ListQuery<StoredEvent>): Promise<ListPage<StoredEvent>>;
  /** The event types recorded in the last 30 days (a `type` wildcard is matched against them). */
  types(tenantId: string): Promise<string[]>;
  /**
   * Adds up to `budget` events stored before the list indexes existed to them; true once every
   * event of the tenant is indexed (until then a list reads every event, as before). The build
   * starts `graceMs` after it is first asked for (store/redis-list-index.ts says why).
   */
  buildIndexes(tenantId: string, budget: number, graceMs: number): Promise<boolean>;
  /** Ids still in the outbox that were recorded before `beforeMs`, oldest first. */
  outbox(tenantId: string, beforeMs: number, limit: number): Promise<string[]>;
  leaveOutbox(tenantId: string, eventId: string): Promise<void>;
  /**
   * An endpoint answered 2xx. Counted once per endpoint however many attempts succeed (delivery is
   * at least once), so `pending_webhooks` only reaches 0 when every endpoint has the event.
   */
  delivered(tenantId: string, eventId: string, endpointUrl: string): Promise<void>;
  /** Which of `endpointUrls` already answered 2xx for the event (a replay skips them). */
  deliveredEndpoints(tenantId: string, eventId: string, endpointUrls: string[]): Promise<string[]>;
  /**
   * Whether a Loops webhook event id was already handled (an `invalid_shape` record does not
   * count), and recording what happened to one (kept 30 days), with the event itself when the
   * gateway could not use it.
   */
  loopsEventHandled(tenantId: string, loopsEventId: string): Promise<boolean>;
  recordLoopsEvent(tenantId: string, loopsEventId: string, record: LoopsEventRecord): Promise<void>;
  /** What was kept of a handled Loops event. */
  loopsEvent(tenantId: string, loopsEventId: string): Promise<LoopsEventRecord | undefined>;
}

/** Whether a kept Loops event record means the event needs no more work (see `invalid_shape`). */
export const loopsEventDone = (record: LoopsEventRecord): boolean => record.outcome !== 'invalid_shape';
