import type { TenantConfig } from '../config';
import type { EventStore, StoredEvent } from '../store/event-store';
import { deliveryJobs, type DeliveryJob, type DeliveryQueue } from './delivery-queue';
import { endpointsWanting } from './endpoint-matching';

export interface ReplaySummary {
  /** Endpoints that want the event's type. */
  endpoints: number;
  /** Of those, the ones that already answered 2xx for it (left alone unless forced). */
  alreadyDelivered: number;
  /** Deliveries put back in line or brought forward. */
  retriedNow: number;
  /** New deliveries, for endpoints that had none in line. */
  queuedAfresh: number;
}

/**
 * `webhooks replay evt_…` (docs/webhooks.md, "Operating deliveries"): the event goes again to
 * every endpoint that wants it and has not answered 2xx for it, and to no other, so a merchant is
 * not sent what it already has. Its deliveries that failed for good get a fresh retry budget,
 * those still waiting for a retry go now, and endpoints with nothing in line get a new delivery.
 * `force` re-sends to every endpoint (a merchant who lost what it received).
 */
export async function replayEvent(
  deps: { events: EventStore; queue: DeliveryQueue; tenant: TenantConfig; now: () => number },
  event: StoredEvent,
  options: { force: boolean },
): Promise<ReplaySummary> {
  const tenantId = deps.tenant.id;
  const endpoints = endpointsWanting(deps.tenant.webhookEndpoints, event.type);
  const delivered = new Set(await deps.events.deliveredEndpoints(tenantId, event.id, endpoints));
  const targets = options.force ? endpoints : endpoints.filter((url) => !delivered.has(url));
  const inLine = new Set(options.force || targets.length === 0 ? [] : await deps.queue.retryEventNow(tenantId, event.id, targets));
  const fresh = deliveryJobs(
    tenantId,
    event,
    targets.filter((url) => !inLine.has(url)),
  );
  // A replay id makes these new jobs even where the (event, endpoint) had one before.
  await deps.queue.enqueue(fresh, String(deps.now()));
  return { endpoints: endpoints.length, alreadyDelivered: delivered.size, retriedNow: inLine.size, queuedAfresh: fresh.length };
}

/** For `replay --all-failed`: a failed delivery whose endpoint has the event by now stays as it is. */
export function undeliveredOnly(events: EventStore): (job: DeliveryJob) => Promise<boolean> {
  return async (job) => (await events.deliveredEndpoints(job.tenantId, job.eventId, [job.endpointUrl])).length === 0;
}
