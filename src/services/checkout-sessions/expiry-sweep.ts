import { isLoopsError, isLoopsRefusal } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { stateFromV2, UnknownLoopsStateError, type LoopsSessionState } from '../../translate/session-state';
import type { TenantContext } from '../call-context';
import type { LoopsStateDetails } from './apply-loops-state';
import type { SessionSync } from './session-sync';
import { loopsForgotSession, nextSweepLook } from './sweep-policy';

/** Loops' own expiry (and its webhook) gets this long to arrive before the sweep steps in. */
export const SWEEP_GRACE_SECONDS = 10;
const BATCH = 100;

/**
 * Finds open sessions past `expires_at` and settles them, so `checkout.session.expired` is never
 * lost when Loops does not report an expiry. Loops is asked first (the customer may have paid at
 * the last second); if Loops still calls the session open, it is expired there too, so both sides
 * agree. Safe on every instance at once: settling is compare-and-set, and only the transition
 * records an event.
 *
 * Only sessions past `expires_at` are due. One that Loops ends earlier (failed, or expired early)
 * without its webhook reaching the gateway is settled by the first retrieve, update or expire of
 * it (session-sync.ts reads Loops' V2 status), and otherwise here at its `expires_at`. Until then
 * nobody can pay it, so what is late is its `checkout.session.expired`, never a payment. Finding
 * it sooner would mean asking Loops about every open session on every run, or paging Loops'
 * session list, whose order is undocumented (loops-api.md §3.2); docs/webhooks.md says so.
 *
 * One session or tenant never stops the others: a session that cannot be settled now (Loops away,
 * a state the gateway does not know, a 404 too soon to trust) is logged and looked at again later
 * (sweep-policy.ts), and a tenant whose store fails is logged and skipped until the next run.
 */
export function createExpirySweep(deps: { sessions: SessionStore; sync: SessionSync; tenants: TenantContext[]; now: () => number; logger: Logger }) {
  async function expireInLoops(
    tenant: TenantContext,
    record: SessionRecord,
    details: LoopsStateDetails,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails }> {
    try {
      const state = stateFromV2(await tenant.loops.updateSessionV2(record.session.id, { expiresAt: new Date(deps.now()).toISOString() }));
      // Loops may report the session paid in the meantime: then it is complete, not expired.
      return { state: state === 'open' ? 'expired' : state, details };
    } catch (error) {
      if (!isLoopsError(error) || !isLoopsRefusal(error)) throw error;
      // Refused: Loops ended the session since it was read (paid, failed, expired). Its state
      // decides, not the refusal's wording (loops-api.md §7.6); still open means a real failure.
      const again = await deps.sync.read(tenant, record);
      if (again.state === 'open') throw error;
      return again;
    }
  }

  /** The state a due session ends in; throws when that cannot be known now. */
  async function finalState(
    tenant: TenantContext,
    record: SessionRecord,
    nowSeconds: number,
  ): Promise<{ state: LoopsSessionState; details: LoopsStateDetails }> {
    try {
      const seen = await deps.sync.read(tenant, record);
      if (seen.state !== 'open') return seen;
      return await expireInLoops(tenant, record, seen.details);
    } catch (error) {
      if (!isLoopsError(error) || !loopsForgotSession(error, nowSeconds, record.session.expires_at)) throw error;
      deps.logger.warn(
        { tenant: tenant.config.id, session: record.session.id, expiresAt: record.session.expires_at, err: error.message },
        'Loops no longer knows this session, long past its expiry: expiring it locally',
      );
      return { state: 'expired', details: {} };
    }
  }

  /** True when the session settled. Failures of Loops are handled here; the store's propagate. */
  async function sweepSession(tenant: TenantContext, id: string, nowSeconds: number): Promise<boolean> {
    const tenantId = tenant.config.id;
    const record = await deps.sessions.get(tenantId, id);
    // Past its retention, or settled without leaving the index: nothing left to sweep.
    if (!record || record.session.status !== 'open') {
      await deps.sessions.dropFromExpiryIndex(tenantId, id);
      return false;
    }
    let outcome: { state: LoopsSessionState; details: LoopsStateDetails };
    try {
      outcome = await finalState(tenant, record, nowSeconds);
    } catch (error) {
      const retryAt = nextSweepLook(nowSeconds, record.session.expires_at);
      deps.logger[error instanceof UnknownLoopsStateError ? 'error' : 'warn'](
        { tenant: tenantId, session: id, err: (error as Error).message, retryAt },
        'expiry sweep could not settle the session; it will look again later',
      );
      await deps.sessions.retryExpiryAt(tenantId, id, retryAt);
      return false;
    }
    let settled;
    try {
      settled = await deps.sync.settle(tenantId, id, outcome.state, outcome.details, { source: 'sweep' });
    } catch (error) {
      // Nothing was written (the session and its event go together): look again soon.
      const retryAt = nextSweepLook(nowSeconds, record.session.expires_at);
      deps.logger.warn({ tenant: tenantId, session: id, err: (error as Error).message, retryAt }, 'expiry sweep could not store the settled session');
      await deps.sessions.retryExpiryAt(tenantId, id, retryAt);
      return false;
    }
    if (!settled) return false;
    if (settled.session.status !== 'open') return true;
    // Still open: Loops' answer cannot settle it yet (a completion without the total that an
    // adjustable quantity needs, final-quantity.ts). Left due, it would be read on every run and,
    // a hundred of them, hold back the tenant's other due sessions: look again later instead.
    const retryAt = nextSweepLook(nowSeconds, record.session.expires_at);
    deps.logger.warn({ tenant: tenantId, session: id, loopsState: outcome.state, retryAt }, 'expiry sweep could not settle the session yet');
    await deps.sessions.retryExpiryAt(tenantId, id, retryAt);
    return false;
  }

  return async function sweep(): Promise<number> {
    let settled = 0;
    const nowSeconds = Math.floor(deps.now() / 1000);
    for (const tenant of deps.tenants) {
      const tenantId = tenant.config.id;
      let due: string[];
      try {
        // Housekeeping rides along: list-index entries of sessions past their retention go.
        await deps.sessions.trimIndex(tenantId, deps.now());
        due = await deps.sessions.dueForExpiry(tenantId, nowSeconds - SWEEP_GRACE_SECONDS, BATCH);
      } catch (error) {
        deps.logger.error(
          { tenant: tenantId, err: (error as Error).message },
          'expiry sweep could not read the tenant’s sessions; other tenants carry on',
        );
        continue;
      }
      for (const id of due) {
        try {
          if (await sweepSession(tenant, id, nowSeconds)) settled += 1;
        } catch (error) {
          // The store failed (reading the session or moving it back): it stays due as it was.
          deps.logger.warn({ tenant: tenantId, session: id, err: (error as Error).message }, 'expiry sweep could not handle the session');
        }
      }
    }
    if (settled > 0) deps.logger.info({ settled }, 'expiry sweep settled sessions');
    return settled;
  };
}
