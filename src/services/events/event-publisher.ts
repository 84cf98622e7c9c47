import type { TenantConfig } from '../../config';
import type { Logger } from '../../observability/logger';
import { DEFAULT_STRIPE_VERSION } from '../../stripe/api-version';
import { randomId } from '../../stripe/ids';
import { buildEventObject } from '../../stripe/objects/event-object';
import type { EventStore, StoredEvent } from '../../store/event-store';
import { deliveryJobs, type DeliveryQueue } from '../../webhooks/delivery-queue';
import { endpointsWanting } from '../../webhooks/endpoint-matching';

export interface PublishInput {
  type: string;
  object: Record<string, unknown>;
  /** For `*.updated` events (stripe/objects/previous-attributes.ts). */
  previousAttributes?: Record<string, unknown>;
  livemode: boolean;
  request: { id: string | null; idempotency_key: string | null };
}

export interface EventPublisherDeps {
  events: EventStore;
  queue: DeliveryQueue;
  tenants: ReadonlyMap<string, TenantConfig>;
  now: () => number;
}

/** An event waits this long in the outbox before the drainer assumes its publisher died. */
export const OUTBOX_GRACE_MS = 10_000;

/**
 * Records Stripe events (once per dedupe key) and hands them to the delivery queue. Recording
 * puts the event in the outbox atomically; it leaves only after its deliveries are queued, and
 * `drainOutbox` (run periodically on every instance) finishes what a crash interrupted.
 */
export function createEventPublisher(deps: EventPublisherDeps) {
  const endpointsFor = (tenantId: string, type: string) => endpointsWanting(deps.tenants.get(tenantId)?.webhookEndpoints ?? [], type);

  async function dispatch(tenantId: string, event: StoredEvent): Promise<void> {
    await deps.queue.enqueue(deliveryJobs(tenantId, event, endpointsFor(tenantId, event.type)));
    await deps.events.leaveOutbox(tenantId, event.id);
  }

  /** A new event in Stripe's shape, not yet recorded; `pending_webhooks` counts its endpoints. */
  function build(tenantId: string, input: PublishInput): StoredEvent {
    return buildEventObject({
      id: randomId('evt'),
      type: input.type,
      created: Math.floor(deps.now() / 1000),
      livemode: input.livemode,
      apiVersion: DEFAULT_STRIPE_VERSION,
      object: input.object,
      ...(input.previousAttributes ? { previousAttributes: input.previousAttributes } : {}),
      request: input.request,
      pendingWebhooks: endpointsFor(tenantId, input.type).length,
    });
  }

  /**
   * Queues the deliveries of an event that is recorded (so in the outbox). A failure here is only
   * logged (to `logger`, the caller's request's or task run's): the caller's work is already
   * durable and the drainer queues the event.
   */
  async function queueRecorded(tenantId: string, event: StoredEvent, logger: Logger): Promise<void> {
    logger.info({ eventId: event.id, type: event.type, tenant: tenantId }, 'stripe event recorded');
    try {
      await dispatch(tenantId, event);
    } catch (error) {
      logger.warn({ eventId: event.id, err: (error as Error).message }, 'event recorded but not yet queued; the outbox drainer will queue it');
    }
  }

  async function publish(tenantId: string, input: PublishInput, dedupeKey: string, logger: Logger): Promise<StoredEvent> {
    const { event: stored, created } = await deps.events.record(tenantId, build(tenantId, input), dedupeKey);
    if (created) await queueRecorded(tenantId, stored, logger);
    return stored;
  }

  async function drainOutbox(): Promise<number> {
    let drained = 0;
    for (const tenantId of deps.tenants.keys()) {
      const ids = await deps.events.outbox(tenantId, deps.now() - OUTBOX_GRACE_MS, 200);
      for (const id of ids) {
        const event = await deps.events.get(tenantId, id);
        if (event) await dispatch(tenantId, event);
        else await deps.events.leaveOutbox(tenantId, id);
        drained += 1;
      }
    }
    return drained;
  }

  return { build, queueRecorded, publish, drainOutbox };
}

export type EventPublisher = ReturnType<typeof createEventPublisher>;
