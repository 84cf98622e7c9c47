import { isLoopsError } from '../../loops/loops-error';
import { forEachBounded } from '../../mapping-tool/run/bounded-pool';
import { loopsLoggingTo } from '../../loops/loops-client';
import type { Logger } from '../../observability/logger';
import type { SubscriptionStore } from '../../store/subscription-store';
import type { TenantContext } from '../call-context';
import type { BillingContract } from './billing-switch';
import type { SubscriptionSync } from './subscription-sync';

/** Per run: due subscriptions read per tenant, tenants swept at once, subscriptions of a tenant at once. */
export const SWEEP_LIMITS = { batch: 100, tenants: 4, perTenant: 4, discover: 25 } as const;
/** A subscription Loops has not moved on yet is looked at again after about as long as it is overdue, 1 min to 1 h. */
export const SWEEP_RETRY_MIN_SECONDS = 60;
export const SWEEP_RETRY_MAX_SECONDS = 3600;

export function nextSubscriptionLook(nowSeconds: number, dueAt: number): number {
  return nowSeconds + Math.min(SWEEP_RETRY_MAX_SECONDS, Math.max(SWEEP_RETRY_MIN_SECONDS, nowSeconds - dueAt));
}

export interface SubscriptionSweepDeps {
  store: SubscriptionStore;
  sync: SubscriptionSync;
  tenants: TenantContext[];
  contract: BillingContract;
  now: () => number;
  logger: Logger;
}

/**
 * The gateway's own reads, for when Loops' webhooks are late or lost (docs/webhooks.md,
 * "Subscriptions"), as the expiry sweep does for sessions. Every subscription sits in a per-tenant
 * index by the time something is due about it (plan-subscription-sync.ts `nextDueAt`: its period
 * end, its next retry while `past_due`, three days before its trial ends); a run syncs the due
 * ones, a bounded batch per tenant, several tenants and subscriptions at once, so one tenant's
 * backlog never starves another. A subscription Loops has not moved on yet is looked at again
 * later, with growing gaps, so it never blocks the ones behind it.
 *
 * Each run also reads the newest page of each tenant's Loops subscriptions and syncs those the
 * gateway has not stored: a subscription whose `subscription.created` webhook was lost (and that
 * no checkout completion synced) appears within a run. Safe on every instance at once: syncs are
 * compare-and-set, and only a stored change announces anything.
 */
export function createSubscriptionSweep(deps: SubscriptionSweepDeps) {
  async function sweepOne(tenant: TenantContext, id: string, nowSeconds: number, logger: Logger): Promise<boolean> {
    const tenantId = tenant.config.id;
    try {
      const before = await deps.store.get(tenantId, id);
      const record = await deps.sync.syncFromLoops(tenantId, id, { source: 'sweep' }, logger);
      if (record?.dueAt != null && record.dueAt <= nowSeconds) {
        // Loops has not acted on it yet (or its state lags): look again later, behind the others.
        await deps.store.rescheduleDue(tenantId, id, nextSubscriptionLook(nowSeconds, record.dueAt));
      }
      return record !== undefined && record.version !== before?.version;
    } catch (error) {
      const level = isLoopsError(error) ? 'warn' : 'error';
      logger[level](
        { tenant: tenantId, subscription: id, err: (error as Error).message },
        'subscription sweep could not sync; it will look again later',
      );
      await deps.store.rescheduleDue(tenantId, id, nowSeconds + SWEEP_RETRY_MIN_SECONDS).catch(() => undefined);
      return false;
    }
  }

  /** Syncs the newest Loops subscriptions the gateway has not stored; returns how many it took in. */
  async function discover(tenant: TenantContext, logger: Logger): Promise<number> {
    const tenantId = tenant.config.id;
    let adopted = 0;
    try {
      const page = await tenant.loops.listSubscriptions({ limit: SWEEP_LIMITS.discover, offset: 0 });
      for (const subscription of page.data) {
        if (await deps.store.get(tenantId, subscription.id)) continue;
        if (await deps.sync.syncFromLoops(tenantId, subscription.id, { source: 'sweep' }, logger)) adopted += 1;
      }
    } catch (error) {
      logger.warn({ tenant: tenantId, err: (error as Error).message }, 'subscription sweep could not list Loops subscriptions');
    }
    return adopted;
  }

  async function sweepTenant(tenant: TenantContext, nowSeconds: number, logger: Logger): Promise<number> {
    let changed = 0;
    let due: string[];
    try {
      due = await deps.store.due(tenant.config.id, nowSeconds, SWEEP_LIMITS.batch);
    } catch (error) {
      logger.error(
        { tenant: tenant.config.id, err: (error as Error).message },
        'subscription sweep could not read the tenant’s index; other tenants carry on',
      );
      return 0;
    }
    await forEachBounded(due, SWEEP_LIMITS.perTenant, async (id) => {
      if (await sweepOne(tenant, id, nowSeconds, logger)) changed += 1;
    });
    const adopted = await discover(tenant, logger);
    return changed + adopted;
  }

  /** One run; `logger` is the run's (periodic.ts names the run on its lines), the Loops calls' retry lines included. */
  return async function sweep(_signal?: AbortSignal, logger: Logger = deps.logger): Promise<number> {
    if (!deps.contract.subscriptions) return 0;
    const nowSeconds = Math.floor(deps.now() / 1000);
    let changed = 0;
    await forEachBounded(deps.tenants, SWEEP_LIMITS.tenants, async ({ config, loops }) => {
      // Read `changed` only after the await: tenants run at once.
      const tenantChanged = await sweepTenant({ config, loops: loopsLoggingTo(loops, logger) }, nowSeconds, logger);
      changed += tenantChanged;
    });
    if (changed > 0) logger.info({ changed }, 'subscription sweep brought subscriptions up to date');
    return changed;
  };
}
