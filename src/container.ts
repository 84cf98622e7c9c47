import { existsSync } from 'node:fs';
import type Koa from 'koa';
import { Agent } from 'undici';
import { createApp } from './app';
import type { Config } from './config';
import { buildKeyRegistry } from './http/middleware/authenticate';
import type { GatewayState } from './http/gateway-state';
import { billingPortalRoutes } from './http/routes/billing-portal';
import { catalogRoutes } from './http/routes/catalog';
import { checkoutSessionRoutes } from './http/routes/checkout-sessions';
import { customerRoutes } from './http/routes/customers';
import { eventRoutes } from './http/routes/events';
import { healthRoutes } from './http/routes/health';
import { invoiceRoutes } from './http/routes/invoices';
import { subscriptionRoutes } from './http/routes/subscriptions';
import { loopsWebhookRoutes } from './http/routes/loops-webhooks';
import { metricsRoutes } from './http/routes/metrics';
import { rateLimit } from './http/middleware/rate-limit';
import { createMetrics } from './observability/metrics';
import { createLoopsClient } from './loops/loops-client';
import { loopsCreateSettleMs } from './loops/retry-policy';
import { mappingFilePath, readMappingFile } from './mappings/mapping-files';
import { describeMerge } from './mappings/merge-catalog';
import { createLogger, type Logger } from './observability/logger';
import type { TenantContext } from './services/call-context';
import { createInFlightCreates } from './services/in-flight-creates';
import { createPortalConfigurationService } from './services/billing-portal/portal-configuration-service';
import { createPortalSessionService } from './services/billing-portal/portal-session-service';
import { loadCatalogFile } from './services/catalog-load';
import { createCatalogService } from './services/catalog-service';
import { createCheckoutCompletion } from './services/checkout-sessions/checkout-completion';
import { createCheckoutSessionService } from './services/checkout-sessions/checkout-session-service';
import { createExpirySweep, expiryBacklog } from './services/checkout-sessions/expiry-sweep';
import { createCustomerService } from './services/customers/customer-service';
import { isCustomerId } from './store/customer-record';
import { renderCustomer } from './stripe/objects/customer-object';
import { createSessionSync } from './services/checkout-sessions/session-sync';
import { createSessionUpdateLocks, sessionUpdateLock } from './services/checkout-sessions/session-update-lock';
import { createEventPublisher } from './services/events/event-publisher';
import { createEventQueries } from './services/events/event-queries';
import { createLineItemResolver } from './services/line-item-resolver';
import { createListIndexBuild } from './services/list-index-build';
import { createLoopsWebhookService } from './services/loops-webhooks/loops-webhook-service';
import { createBillingServices } from './services/subscriptions/billing-services';
import type { BillingContract } from './services/subscriptions/billing-switch';
import type { CustomerLookup } from './services/subscriptions/render-billing';
import { createStores, type Stores } from './store/create-stores';
import { closeRedisClient, createRedisClient, createRedisProbe, type RedisClient } from './store/redis-connection';
import { startPeriodic, type Periodic } from './background/periodic';
import { createDeliveryQueue } from './webhooks/create-delivery-queue';
import { deliverOnce } from './webhooks/deliver';
import type { DeliveryQueue } from './webhooks/delivery-queue';

export interface ContainerOptions {
  logger?: Logger;
  /** Milliseconds since the epoch; tests move time forward. */
  now?: () => number;
  /** The docs/loops-contract.md §8 switches (default LOOPS_CONTRACT); tests turn them off. */
  billingContract?: Partial<BillingContract>;
  /** Expanded `customer` on subscriptions and invoices (the customer directory); stubs without it. */
  customers?: CustomerLookup;
}

/** How often each instance re-queues events a crash left in the outbox. */
export const OUTBOX_DRAIN_INTERVAL_MS = 5_000;
/** How often each instance adds objects stored before the list indexes to them (until done). */
export const INDEX_BUILD_INTERVAL_MS = 2_000;

export interface Container {
  config: Config;
  app: Koa<GatewayState>;
  redis: RedisClient | undefined;
  stores: Stores;
  queue: DeliveryQueue;
  /** Background work of a serving instance: delivery worker, outbox drainer, expiry sweep, list index build. */
  startBackground(): void;
  drainOutbox(): Promise<number>;
  /** One expiry sweep run (`signal`: stop between sessions). */
  sweepExpired(signal?: AbortSignal): Promise<number>;
  /** One run of the subscription sweep (services/subscriptions/subscription-sweep.ts). */
  sweepSubscriptions(): Promise<number>;
  /** Merges each tenant's mapping file into the shared catalog (start-up; services/catalog-load.ts). */
  loadMappings(): Promise<void>;
  /** Stops taking work: /readyz answers 503 while in-flight requests finish. */
  drain(): void;
  /**
   * Stops the periodic tasks and the delivery worker (no new job; attempts in flight finish).
   * Requests in flight may still record events and queue deliveries: the producer stays open.
   */
  stopBackground(): Promise<void>;
  /** `stopBackground`, then closes the queue, the HTTP agent and Redis; never waits on an unreachable Redis. */
  close(): Promise<void>;
}

/** The composition root: everything is built here, once, and passed in. */
export function createContainer(config: Config, options: ContainerOptions = {}): Container {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const redis = config.redis.kind === 'memory' ? undefined : createRedisClient(config.redis, logger.child({ connection: 'stores' }));
  const metrics = createMetrics();
  const stores = createStores(config, redis, now, (hit) => metrics.mappingLookups.inc({ result: hit ? 'hit' : 'miss' }));
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
  const tenants: TenantContext[] = config.tenants.map((tenant) => ({
    config: tenant,
    loops: createLoopsClient({
      apiBase: tenant.loops.apiBase,
      apiKey: tenant.loops.apiKey,
      timeoutMs: config.loops.timeoutMs,
      dispatcher,
      logger,
      observe: (operation, outcome, seconds) => metrics.loopsCalls.observe({ operation, outcome }, seconds),
    }),
  }));
  const tenantConfigs = new Map(config.tenants.map((tenant) => [tenant.id, tenant]));

  const queue = createDeliveryQueue(
    config,
    redis,
    (job, jobLogger) =>
      deliverOnce(
        {
          events: stores.events,
          tenants: tenantConfigs,
          dispatcher,
          timeoutMs: config.webhooks.timeoutMs,
          now,
          logger: jobLogger,
          observe: (outcome, seconds) => {
            metrics.webhookDeliveries.inc({ outcome });
            metrics.webhookDeliveryDuration.observe({ outcome }, seconds);
          },
        },
        job,
      ),
    logger,
  );
  metrics.observeQueueDepth(() => queue.depth());
  const publisher = createEventPublisher({ events: stores.events, queue, tenants: tenantConfigs, now });
  const customers = createCustomerService({
    customers: stores.customers,
    publisher,
    // Bound late: the subscription services are built below, and this runs only on a delete request.
    endSubscriptions: (call, customerId) => billing.subscriptions.cancelAllOf(call, customerId),
  });
  const billing = createBillingServices({
    stores,
    publisher,
    tenants,
    now,
    logger,
    contract: options.billingContract ?? { subscriptions: config.loopsContract.subscriptions },
    // An expanded `customer` on a subscription or invoice is the directory's customer (or its deleted stub).
    customers: options.customers ?? {
      async get(tenantId, id, stripeVersion) {
        const record = isCustomerId(id) ? await stores.customers.get(tenantId, id) : undefined;
        return record && renderCustomer(record.customer, stripeVersion);
      },
    },
  });
  // A subscription-mode checkout brings its subscription in through the core (services/subscriptions/checkout-link.ts).
  const checkoutSubscriptions = billing.checkout;
  const tenantsById = new Map(tenants.map((tenant) => [tenant.config.id, tenant]));
  const completion = createCheckoutCompletion({ tenants: tenantsById, customers, subscriptions: checkoutSubscriptions, now });
  const sync = createSessionSync({ sessions: stores.sessions, publisher, completion, now });
  // Loops creates left unanswered linger until Loops may no longer carry them out (services/in-flight-creates.ts).
  const settleMs = loopsCreateSettleMs(config.loops.timeoutMs);
  const inFlight = createInFlightCreates(settleMs);
  const checkoutSessions = createCheckoutSessionService({
    sessions: stores.sessions,
    sync,
    resolveLineItems: createLineItemResolver({ mappings: stores.mappings, inFlight }),
    inFlight,
    settleMs,
    customers,
    planChoices: { form: config.loopsContract.checkoutForm, lineItemReference: config.loopsContract.lineItemReference },
    withUpdateLock: createSessionUpdateLocks(stores.sessions, sessionUpdateLock(config.loops.timeoutMs)),
    contract: config.loopsContract,
    subscriptions: checkoutSubscriptions,
    now,
  });
  const loopsWebhooks = createLoopsWebhookService({
    tenants: tenantConfigs,
    toleranceSeconds: config.loopsWebhook.toleranceSeconds,
    events: stores.events,
    sessions: stores.sessions,
    sync,
    publisher,
    now,
    subscriptions: billing.webhooks,
  });
  const portalConfigurations = createPortalConfigurationService({ configurations: stores.portalConfigurations, publisher, now });
  const portalSessions = createPortalSessionService({
    customers,
    configurations: portalConfigurations,
    publisher,
    contract: config.loopsContract,
  });
  const sweepExpired = createExpirySweep({
    sessions: stores.sessions,
    sync,
    tenants,
    now,
    logger,
    concurrency: config.expirySweepConcurrency,
    onSettled: (tenant) => metrics.expirySettled.inc({ tenant }),
  });
  metrics.observeExpiryBacklog(() =>
    expiryBacklog(
      stores.sessions,
      config.tenants.map((tenant) => tenant.id),
      now(),
    ),
  );
  const buildListIndexes = createListIndexBuild({
    sessions: stores.sessions,
    events: stores.events,
    tenantIds: config.tenants.map((tenant) => tenant.id),
    logger,
  });

  let draining = false;
  const redisAnswers = redis ? createRedisProbe(redis) : async () => true;
  const readiness = { isReady: async () => !draining && (await redisAnswers()) };

  const app = createApp({
    logger,
    now,
    keys: buildKeyRegistry(tenants),
    idempotencyStore: stores.idempotency,
    metrics,
    isDraining: () => draining,
    bodyTimeoutMs: config.http.bodyTimeoutMs,
    limiter: rateLimit({ ratePerSecond: config.rateLimit.perSecond, burst: config.rateLimit.burst, now, onLimited: () => metrics.rateLimited.inc() }),
    stripeRoutes: [
      checkoutSessionRoutes(checkoutSessions),
      eventRoutes(createEventQueries(stores.events)),
      catalogRoutes(createCatalogService({ mappings: stores.mappings, publisher, logger, now })),
      customerRoutes(customers),
      billingPortalRoutes(portalSessions, portalConfigurations),
      subscriptionRoutes(billing.subscriptions),
      invoiceRoutes(billing.invoices),
    ],
    publicRoutes: [
      healthRoutes(readiness),
      metricsRoutes(metrics),
      loopsWebhookRoutes(loopsWebhooks, { signatureHeader: config.loopsWebhook.signatureHeader, bodyTimeoutMs: config.http.bodyTimeoutMs }, metrics),
    ],
  });

  const background: Periodic[] = [];
  let backgroundStopped: Promise<void> | undefined;
  const stopBackground = () =>
    (backgroundStopped ??= Promise.all([...background.map((task) => task.stop()), queue.stopWorker()]).then(() => undefined));
  return {
    config,
    app,
    redis,
    stores,
    queue,
    startBackground() {
      queue.startWorker();
      background.push(startPeriodic('outbox drainer', OUTBOX_DRAIN_INTERVAL_MS, publisher.drainOutbox, logger));
      background.push(startPeriodic('expiry sweep', config.expirySweepIntervalMs, sweepExpired, logger));
      background.push(startPeriodic('list index build', INDEX_BUILD_INTERVAL_MS, buildListIndexes, logger));
      background.push(startPeriodic('subscription sweep', config.subscriptionSweepIntervalMs, billing.sweep, logger));
    },
    drainOutbox: publisher.drainOutbox,
    sweepExpired,
    sweepSubscriptions: billing.sweep,
    async loadMappings() {
      for (const tenant of config.tenants) {
        // No file: keep what the shared store has (another instance or `mappings load` put it there).
        if (!existsSync(mappingFilePath(config.mappingsDir, tenant.id))) {
          logger[config.sandbox ? 'debug' : 'warn'](
            { tenant: tenant.id, dir: config.mappingsDir },
            'no mapping file for tenant; keeping the mappings already in the store',
          );
          continue;
        }
        const file = await readMappingFile(config.mappingsDir, tenant.id);
        // Merged, never replaced: what was made or changed through the API survives a restart (docs/mappings.md "One catalog").
        const { report, written } = await loadCatalogFile(stores.mappings, tenant.id, file, { force: false });
        for (const line of describeMerge(report)) logger.warn({ tenant: tenant.id }, `mappings: ${line}`);
        logger.info({ tenant: tenant.id, prices: Object.keys(file.prices).length, written }, 'mappings loaded');
      }
    },
    drain() {
      draining = true;
    },
    stopBackground,
    async close() {
      await stopBackground();
      await queue.close();
      // Their operation records already say they are unresolved; waiting would only delay the exit.
      inFlight.abandonAll();
      await dispatcher.close();
      if (redis) await closeRedisClient(redis);
    },
  };
}
