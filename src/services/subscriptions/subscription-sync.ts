import { setTimeout as sleep } from 'node:timers/promises';
import { isLoopsError } from '../../loops/loops-error';
import type { LoopsV3Subscription } from '../../loops/loops-schemas';
import { loopsLoggingTo } from '../../loops/loops-client';
import type { Logger } from '../../observability/logger';
import { isSubscriptionId } from '../../stripe/params/billing-ids';
import type { StoredEvent } from '../../store/event-store';
import type { SubscriptionRecord } from '../../store/subscription-record';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { ChargeHint } from '../../translate/plan-subscription-invoices';
import { planSubscriptionSync, type LocalChange } from '../../translate/plan-subscription-sync';
import type { TenantContext } from '../call-context';
import type { EventPublisher } from '../events/event-publisher';
import type { CreationHints, SubscriptionFacts } from './subscription-facts';

/**
 * Who asked for the sync. Only the merchant's own update or cancel gives its subscription events a
 * `request`; Loops' webhooks, the sweep, reads and checkout completion make automatic events.
 */
export type SyncCause =
  { source: 'api'; request: { id: string; idempotencyKey: string | null } } | { source: 'loops_webhook' | 'sweep' | 'retrieve' | 'checkout' };

export interface SyncHints extends CreationHints {
  /** The merchant's changes Loops does not hold (cancellation details, metadata once ended). */
  local?: LocalChange;
  /** What a charge webhook said (§8.4): its id and failure message. */
  charge?: ChargeHint;
}

export interface SubscriptionSyncDeps {
  store: SubscriptionStore;
  facts: SubscriptionFacts;
  publisher: EventPublisher;
  tenants: ReadonlyMap<string, TenantContext>;
  now: () => number;
}

/** Writers that lose a compare-and-set read Loops again and retry, with jitter. */
const MAX_ATTEMPTS = 20;
const backoffMs = (attempt: number) => Math.random() * Math.min(5 * attempt, 50);
const AUTOMATIC = { id: null, idempotency_key: null };

/**
 * Keeps stored subscriptions converged with Loops (docs/webhooks.md, "Subscriptions"). Every path
 * that learns something about a subscription (a Loops webhook, the sweep, a retrieve, the
 * merchant's update or cancel, checkout completion) calls `syncFromLoops`, which reads Loops'
 * current object (never a webhook's copy, which may be stale or out of order), plans the record
 * and events the state implies (translate/plan-subscription-sync.ts) and stores both in one
 * compare-and-set step. A writer that loses the race reads Loops again: Loops' state is read
 * after the stored one it replaces, so a slow reader can never write an older state back.
 */
export function createSubscriptionSync(deps: SubscriptionSyncDeps) {
  function tenantOf(tenantId: string): TenantContext {
    const tenant = deps.tenants.get(tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    return tenant;
  }

  /** Loops' subscription, or undefined when Loops has no such subscription (404). */
  async function readLoops(tenant: TenantContext, id: string): Promise<LoopsV3Subscription | undefined> {
    // `tenant.loops` logs to the sync's logger (converge binds it).
    try {
      const loops = await tenant.loops.getSubscription(id);
      if (loops.id !== id) throw new Error(`Loops answered subscription ${loops.id} for ${id}`);
      return loops;
    } catch (error) {
      if (isLoopsError(error) && error.failure.kind === 'http' && error.failure.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * The shared loop: read the record, get Loops' state (`source`), plan, write; on a lost race
   * start over. Returns the stored record (undefined: neither stored nor this tenant's in Loops).
   */
  async function converge(
    tenantId: string,
    id: string,
    cause: SyncCause,
    logger: Logger,
    hints: SyncHints,
    source: (tenant: TenantContext, previous: SubscriptionRecord | undefined) => Promise<LoopsV3Subscription | undefined>,
  ): Promise<SubscriptionRecord | undefined> {
    // The caller's logger (a request's, a task run's) for this sync's lines and its Loops calls' retries.
    const { config, loops: client } = tenantOf(tenantId);
    const tenant = { config, loops: loopsLoggingTo(client, logger) };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const previous = await deps.store.get(tenantId, id);
      const loops = await source(tenant, previous);
      if (!loops) {
        if (previous) logger.warn({ tenant: tenantId, subscription: id }, 'Loops no longer knows a stored subscription; keeping the stored one');
        return previous;
      }
      const facts = previous ? undefined : await deps.facts(tenant, loops, hints);
      const create = facts && { ...facts, observedMs: deps.now() };
      if (!previous && !create) return undefined;
      const plan = planSubscriptionSync({
        previous,
        create,
        loops,
        nowSeconds: Math.floor(deps.now() / 1000),
        local: hints.local,
        charge: hints.charge,
        byRequest: cause.source === 'api',
        upcomingInvoiceDays: config.upcomingInvoiceDays,
      });
      if (!plan) return previous;
      const request = cause.source === 'api' ? { id: cause.request.id, idempotency_key: cause.request.idempotencyKey } : AUTOMATIC;
      const events: StoredEvent[] = plan.events.map((event) =>
        deps.publisher.build(tenantId, {
          type: event.type,
          object: event.object,
          ...('previousAttributes' in event && event.previousAttributes ? { previousAttributes: event.previousAttributes } : {}),
          livemode: plan.record.livemode,
          request: event.byRequest ? request : AUTOMATIC,
        }),
      );
      const result = await deps.store.write(tenantId, {
        expectedVersion: previous?.version ?? null,
        previous,
        record: plan.record,
        invoices: plan.invoices,
        events,
      });
      if (result.kind === 'written') {
        for (const event of events) await deps.publisher.queueRecorded(tenantId, event, logger);
        return result.record;
      }
      await sleep(backoffMs(attempt));
    }
    throw new Error(`subscription ${id} kept changing under ${MAX_ATTEMPTS} concurrent syncs`);
  }

  /**
   * Loops' current state of one subscription, stored with the events it implies. The seam other
   * use cases call: checkout completion (with the `billingMode` of the request that made the
   * session and the `customer` it made), Loops webhooks, the sweep, reads. Unknown to Loops, or
   * another tenant's: undefined. Throws what Loops' failure made of the read (a LoopsError).
   */
  async function syncFromLoops(
    tenantId: string,
    id: string,
    cause: SyncCause,
    logger: Logger,
    hints: SyncHints = {},
  ): Promise<SubscriptionRecord | undefined> {
    if (!isSubscriptionId(id)) return undefined;
    return converge(tenantId, id, cause, logger, hints, (tenant) => readLoops(tenant, id));
  }

  /**
   * Changes only the gateway holds, without asking Loops (a subscription that ended: Loops refuses
   * changes then and its state no longer moves): metadata and cancellation details.
   */
  async function applyLocal(
    tenantId: string,
    id: string,
    cause: SyncCause,
    logger: Logger,
    local: LocalChange,
  ): Promise<SubscriptionRecord | undefined> {
    return converge(tenantId, id, cause, logger, { local }, async (_tenant, previous) => previous?.loops);
  }

  /** The first invoice of a subscription (checkout completion fills the session's `invoice` with it). */
  async function firstInvoiceId(tenantId: string, id: string): Promise<string | null> {
    return (await deps.store.get(tenantId, id))?.invoices.first ?? null;
  }

  return { syncFromLoops, applyLocal, firstInvoiceId };
}

export type SubscriptionSync = ReturnType<typeof createSubscriptionSync>;
