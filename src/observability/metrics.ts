import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueDepth } from '../webhooks/delivery-queue';

/** Seconds; request latency is mostly a few ms, Loops and webhook calls up to their timeouts. */
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const SLOW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Everything `/metrics` exposes (Prometheus text format), in one registry per container so tests
 * and several containers in one process never share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  let depthSource: (() => Promise<QueueDepth>) | undefined;
  let backlogSource: (() => Promise<Record<string, number>>) | undefined;

  const metrics = {
    registry,
    httpRequests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: FAST_BUCKETS,
      registers: [registry],
    }),
    loopsCalls: new Histogram({
      name: 'gateway_loops_call_duration_seconds',
      help: 'Loops API calls by operation and outcome (ok, http_<status>, timeout, network, invalid_response)',
      labelNames: ['operation', 'outcome'],
      buckets: SLOW_BUCKETS,
      registers: [registry],
    }),
    mappingLookups: new Counter({
      name: 'gateway_mapping_cache_lookups_total',
      help: 'Price/product mapping lookups by in-process cache result',
      labelNames: ['result'],
      registers: [registry],
    }),
    idempotentReplays: new Counter({
      name: 'gateway_idempotent_replays_total',
      help: 'Requests answered from a stored idempotent response',
      registers: [registry],
    }),
    rateLimited: new Counter({ name: 'gateway_rate_limited_total', help: 'Requests refused by the per-key rate limit', registers: [registry] }),
    loopsWebhooks: new Counter({
      name: 'gateway_loops_webhooks_total',
      help: 'Incoming Loops webhooks by outcome (processed, duplicate, ignored, invalid_shape, rejected)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'gateway_webhook_deliveries_total',
      help: 'Outgoing Stripe event delivery attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookDeliveryDuration: new Histogram({
      name: 'gateway_webhook_delivery_duration_seconds',
      help: 'Outgoing delivery attempt latency',
      labelNames: ['outcome'],
      buckets: SLOW_BUCKETS,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'gateway_webhook_queue_depth',
      help: 'Webhook deliveries by queue state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        await collectInto(this, 'state', depthSource);
      },
    }),
    /** The queue is built after the metrics; it registers its depth here. */
    observeQueueDepth(source: () => Promise<QueueDepth>) {
      depthSource = source;
    },
    // Tenants are configured, not created by requests: the label's values are bounded.
    expiryBacklog: new Gauge({
      name: 'gateway_expiry_sweep_backlog',
      help: 'Open sessions past expires_at (and the sweep grace) not yet settled nor being settled, by tenant',
      labelNames: ['tenant'],
      registers: [registry],
      async collect() {
        await collectInto(this, 'tenant', backlogSource);
      },
    }),
    expirySettled: new Counter({
      name: 'gateway_expiry_sweep_settled_total',
      help: 'Sessions the expiry sweep settled (expired, or completed when Loops reported them paid), by tenant',
      labelNames: ['tenant'],
      registers: [registry],
    }),
    /** The sweep is built after the metrics; it registers how its backlog is counted here. */
    observeExpiryBacklog(source: () => Promise<Record<string, number>>) {
      backlogSource = source;
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Sets a gauge per label value from a source read at scrape time (counts kept in Redis). */
async function collectInto(gauge: Gauge, label: string, source: (() => Promise<object>) | undefined): Promise<void> {
  if (!source) return;
  try {
    for (const [value, count] of Object.entries(await source())) gauge.set({ [label]: value }, Number(count));
  } catch {
    // Redis away: the gauge keeps its last values; /readyz reports the outage.
  }
}
