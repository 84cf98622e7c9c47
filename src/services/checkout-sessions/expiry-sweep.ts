import { LOOPS_CONTRACT } from '../../loops/contract-choices';
import { isLoopsError, isLoopsRefusal } from '../../loops/loops-error';
import { loopsLoggingTo } from '../../loops/loops-client';
import type { Logger } from '../../observability/logger';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { UnknownLoopsStateError, type LoopsSessionState } from '../../translate/session-state';
import type { TenantContext } from '../call-context';
import type { LoopsStateDetails } from './apply-loops-state';
import { expireInLoops } from './expire-in-loops';
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachBounded } from '../../mapping-tool/run/bounded-pool';
import type { SessionSync } from './session-sync';
import { loopsForgotSession, nextSweepLook, rateLimitPauseMs } from './sweep-policy';

/** Loops' own expiry (and its webhook) gets this long to arrive before the sweep steps in. */
export const SWEEP_GRACE_SECONDS = 10;
/** Due sessions claimed (and their records read, one MGET) per round trip. */
const BATCH = 100;
/**
 * How long a claimed batch is left to its instance before another may take it: far longer than a
 * batch takes, and what a crash mid-batch delays those sessions by.
 */
const CLAIM_SECONDS = 300;
/** A run stops claiming after this long (the next run carries on), so each run ends and logs. */
export const SWEEP_RUN_BUDGET_MS = 5 * 60_000;

export interface ExpirySweepDeps {
  sessions: SessionStore;
  sync: SessionSync;
  tenants: TenantContext[];
  now: () => number;
  logger: Logger;
  /** Sessions of one tenant settled at once (each is two Loops reads, then at most one update). */
  concurrency: number;
  /** Called per session settled (metrics). */
  onSettled?: (tenantId: string) => void;
  /** Loops takes an expiry through its V2 update (default LOOPS_CONTRACT.expireThroughV2Update; tests set both ways); handed on to expireInLoops. */
  expireThroughV2Update?: boolean;
}

/** What became of one due session. */
type Outcome = 'settled' | 'deferred' | { pauseMs: number };

/**
 * Finds open sessions past `expires_at` and settles them, so `checkout.session.expired` is never
 * lost when Loops does not report an expiry. Loops is asked first (the customer may have paid at
 * the last second); if Loops still calls the session open, it is expired there too, so both sides
 * agree. Safe on every instance at once: each claims its batches (SessionStore.claimDueForExpiry),
 * settling is compare-and-set, and only the transition records an event.
 *
 * Only sessions past `expires_at` are due. One that Loops ends earlier (failed, or expired early)
 * without its webhook reaching the gateway is settled by the first retrieve, update or expire of
 * it (session-sync.ts reads Loops' V2 status), and otherwise here at its `expires_at`. Until then
 * nobody can pay it, so what is late is its `checkout.session.expired`, never a payment. Finding
 * it sooner would mean asking Loops about every open session on every run, or paging Loops'
 * session list, whose order is undocumented (docs/loops-contract.md §3.2); docs/webhooks.md says so.
 *
 * A backlog (10k sessions expiring together) is settled in one run at the pace Loops allows:
 * tenants in parallel, so one tenant's backlog never holds up another's; per tenant, batches of
 * due sessions read in one round trip and settled `concurrency` at a time; a 429 from Loops
 * pauses that tenant for its Retry-After and leaves the session due (sweep-policy.ts).
 *
 * One session or tenant never stops the others: a session that cannot be settled now (Loops away,
 * a state the gateway does not know, a 404 too soon to trust) is logged and looked at again later
 * (sweep-policy.ts), and a tenant whose store fails is logged and skipped until the next run.
 */
export function createExpirySweep(deps: ExpirySweepDeps) {
  const expireThroughV2Update = deps.expireThroughV2Update ?? LOOPS_CONTRACT.expireThroughV2Update;

  async function expireOrReread(
    tenant: TenantContext,
    record: SessionRecord,
    details: LoopsStateDetails,
    logger: Logger,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails }> {
    try {
      // The details of the read just before stay: V2's answer carries less than V3's.
      const { state } = await expireInLoops(tenant, record.session.id, deps.now(), expireThroughV2Update);
      return { state, details };
    } catch (error) {
      if (!isLoopsError(error) || !isLoopsRefusal(error)) throw error;
      // Refused: Loops ended the session since it was read (paid, failed, expired). Its state
      // decides, not the refusal's wording (docs/loops-contract.md §7.6); still open means a real failure.
      const again = await deps.sync.read(tenant, record, logger);
      if (again.state === 'open') throw error;
      return again;
    }
  }

  /** The state a due session ends in; throws when that cannot be known now. */
  async function finalState(
    tenant: TenantContext,
    record: SessionRecord,
    nowSeconds: number,
    logger: Logger,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails }> {
    try {
      const seen = await deps.sync.read(tenant, record, logger);
      if (seen.state !== 'open') return seen;
      // Loops cannot be told to expire it (docs/loops-contract.md §3.1): past its `expires_at`, which
      // Loops was given at the create, it ends there too; the gateway settles it on its own.
      if (!expireThroughV2Update) return { state: 'expired', details: seen.details };
      return await expireOrReread(tenant, record, seen.details, logger);
    } catch (error) {
      if (!isLoopsError(error) || !loopsForgotSession(error, nowSeconds, record.session.expires_at)) throw error;
      logger.warn(
        { tenant: tenant.config.id, session: record.session.id, expiresAt: record.session.expires_at, err: error.message },
        'Loops no longer knows this session, long past its expiry: expiring it locally',
      );
      return { state: 'expired', details: {} };
    }
  }

  /** Failures of Loops are handled here; the store's propagate. */
  async function sweepSession(
    tenant: TenantContext,
    id: string,
    record: SessionRecord | undefined,
    nowSeconds: number,
    logger: Logger,
  ): Promise<Outcome> {
    const tenantId = tenant.config.id;
    // Past its retention, or settled without leaving the index: nothing left to sweep.
    if (!record || record.session.status !== 'open') {
      await deps.sessions.dropFromExpiryIndex(tenantId, id);
      return 'deferred';
    }
    const lookAgain = async (message: string, fields: Record<string, unknown>, level: 'warn' | 'error' = 'warn') => {
      const retryAt = nextSweepLook(nowSeconds, record.session.expires_at);
      logger[level]({ tenant: tenantId, session: id, ...fields, retryAt }, message);
      await deps.sessions.retryExpiryAt(tenantId, id, retryAt);
      return 'deferred' as const;
    };
    let outcome: { state: LoopsSessionState; details: LoopsStateDetails };
    try {
      outcome = await finalState(tenant, record, nowSeconds, logger);
    } catch (error) {
      const pauseMs = rateLimitPauseMs(error);
      if (pauseMs !== undefined) return { pauseMs };
      return lookAgain(
        'expiry sweep could not settle the session; it will look again later',
        { err: (error as Error).message },
        error instanceof UnknownLoopsStateError ? 'error' : 'warn',
      );
    }
    let settled;
    try {
      settled = await deps.sync.settle(tenantId, id, outcome.state, outcome.details, { source: 'sweep' }, logger);
    } catch (error) {
      // Nothing was written (the session and its event go together): look again soon.
      return lookAgain('expiry sweep could not store the settled session', { err: (error as Error).message });
    }
    if (!settled) {
      // Its record went while the sweep worked on it (retention): it leaves the index.
      await deps.sessions.dropFromExpiryIndex(tenantId, id);
      return 'deferred';
    }
    if (settled.session.status !== 'open') return 'settled';
    // Still open: Loops' answer cannot settle it yet (a completion without the total that an
    // adjustable quantity needs, final-quantity.ts). Left due, it would be read on every run and
    // hold back the tenant's other due sessions: look again later instead.
    return lookAgain('expiry sweep could not settle the session yet', { loopsState: outcome.state });
  }

  /** Settles a tenant's due sessions until none is left, the run's budget is spent, or it is stopped. */
  async function sweepTenant(tenant: TenantContext, deadline: number, signal: AbortSignal | undefined, logger: Logger): Promise<number> {
    const tenantId = tenant.config.id;
    const stopped = () => signal?.aborted === true || performance.now() >= deadline;
    // Loops' 429s pause the whole tenant: every worker waits for the latest Retry-After.
    let pausedUntil = 0;
    let settled = 0;
    // Housekeeping rides along: list-index entries of sessions past their retention go.
    await deps.sessions.trimIndex(tenantId, deps.now());
    const pause = async () => {
      const wait = pausedUntil - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    };
    while (!stopped()) {
      // Loops asked for a pause longer than the run has left: the next run carries on.
      if (pausedUntil >= deadline) break;
      await pause();
      if (stopped()) break;
      const nowSeconds = Math.floor(deps.now() / 1000);
      const ids = await deps.sessions.claimDueForExpiry(tenantId, nowSeconds - SWEEP_GRACE_SECONDS, BATCH, nowSeconds + CLAIM_SECONDS);
      if (ids.length === 0) break;
      const records = await deps.sessions.getMany(tenantId, ids);
      /** Claimed but not settled in this batch (stopped, or paused by Loops): due again at once. */
      const putBack: string[] = [];
      await forEachBounded(
        ids.map((id, i) => ({ id, record: records[i] })),
        deps.concurrency,
        async ({ id, record }) => {
          if (pausedUntil < deadline) await pause();
          if (stopped() || pausedUntil > performance.now()) {
            putBack.push(id);
            return;
          }
          try {
            const outcome = await sweepSession(tenant, id, record, nowSeconds, logger);
            if (outcome === 'settled') {
              settled += 1;
              deps.onSettled?.(tenantId);
            } else if (outcome !== 'deferred') {
              pausedUntil = Math.max(pausedUntil, performance.now() + outcome.pauseMs);
              putBack.push(id);
            }
          } catch (error) {
            // The store failed (reading or moving the session): it stays claimed, due again when
            // the claim lapses.
            logger.warn({ tenant: tenantId, session: id, err: (error as Error).message }, 'expiry sweep could not handle the session');
          }
        },
      );
      if (putBack.length > 0) {
        logger.info(
          { tenant: tenantId, sessions: putBack.length, pausedMs: Math.max(0, Math.round(pausedUntil - performance.now())) },
          'expiry sweep left sessions due: Loops asked it to slow down, or the run is ending',
        );
        await Promise.all(putBack.map((id) => deps.sessions.retryExpiryAt(tenantId, id, nowSeconds - SWEEP_GRACE_SECONDS)));
      }
    }
    return settled;
  }

  /**
   * One run over every tenant; `signal` (shutdown) stops it between sessions. `logger` is the run's
   * (periodic.ts names the run on its lines), the Loops calls' retry lines included.
   */
  return async function sweep(signal?: AbortSignal, logger: Logger = deps.logger): Promise<number> {
    const deadline = performance.now() + SWEEP_RUN_BUDGET_MS;
    const counts = await Promise.all(
      deps.tenants.map(async ({ config, loops }) => {
        const tenant = { config, loops: loopsLoggingTo(loops, logger) };
        try {
          return await sweepTenant(tenant, deadline, signal, logger);
        } catch (error) {
          logger.error(
            { tenant: tenant.config.id, err: (error as Error).message },
            'expiry sweep could not read the tenant’s sessions; other tenants carry on',
          );
          return 0;
        }
      }),
    );
    const settled = counts.reduce((a, b) => a + b, 0);
    if (settled > 0) logger.info({ settled }, 'expiry sweep settled sessions');
    return settled;
  };
}

/** Due sessions not yet settled (nor being settled), per tenant: the `/metrics` backlog gauge. */
export async function expiryBacklog(sessions: SessionStore, tenantIds: string[], nowMs: number): Promise<Record<string, number>> {
  const due = Math.floor(nowMs / 1000) - SWEEP_GRACE_SECONDS;
  const counts = await Promise.all(tenantIds.map((tenantId) => sessions.countDueForExpiry(tenantId, due)));
  return Object.fromEntries(tenantIds.map((tenantId, i) => [tenantId, counts[i] ?? 0]));
}
