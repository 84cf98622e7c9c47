import { request, type Dispatcher } from 'undici';
import type { TenantConfig } from '../config';
import type { Logger } from '../observability/logger';
import type { EventStore } from '../store/event-store';
import type { DeliveryJob } from './delivery-queue';
import { stripeSignatureHeader } from './stripe-signature';

export interface DeliverDeps {
  events: EventStore;
  tenants: ReadonlyMap<string, TenantConfig>;
  dispatcher: Dispatcher;
  timeoutMs: number;
  now: () => number;
  logger: Logger;
  observe?: (outcome: DeliveryOutcome | 'failed', seconds: number) => void;
}

export type DeliveryOutcome = 'delivered' | 'dropped';

/** A non-2xx answer or no answer: the queue retries on its schedule. */
export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
}

/** Stripe's webhook user agent, so merchant firewalls and logs recognise the traffic. */
const USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';

/**
 * One delivery attempt: the stored event, signed now with every active secret, POSTed as JSON.
 * 2xx is delivered; anything else throws for a retry. A job whose endpoint or event no longer
 * exists (configuration changed, 30 days passed) is dropped, not retried for three days.
 */
export async function deliverOnce(deps: DeliverDeps, job: DeliveryJob): Promise<DeliveryOutcome> {
  const started = performance.now();
  const tenant = deps.tenants.get(job.tenantId);
  const endpoint = tenant?.webhookEndpoints.find((candidate) => candidate.url === job.endpointUrl);
  const event = endpoint && (await deps.events.get(job.tenantId, job.eventId));
  if (!tenant || !endpoint || !event) {
    deps.logger.warn({ eventId: job.eventId, tenant: job.tenantId }, 'dropping a delivery whose endpoint or event no longer exists');
    deps.observe?.('dropped', 0);
    return 'dropped';
  }
  const payload = JSON.stringify(event);
  const signature = stripeSignatureHeader(payload, tenant.webhookSecrets, Math.floor(deps.now() / 1000));
  let status: number;
  try {
    const response = await request(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': USER_AGENT },
      body: payload,
      dispatcher: deps.dispatcher,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    status = response.statusCode;
    await response.body.dump();
  } catch (error) {
    deps.observe?.('failed', (performance.now() - started) / 1000);
    throw new DeliveryFailedError(`no answer from the endpoint: ${(error as Error).message}`);
  }
  deps.observe?.(status >= 200 && status < 300 ? 'delivered' : 'failed', (performance.now() - started) / 1000);
  if (status < 200 || status >= 300) throw new DeliveryFailedError(`endpoint answered HTTP ${status}`);
  await deps.events.delivered(job.tenantId, job.eventId, endpoint.url);
  return 'delivered';
}
