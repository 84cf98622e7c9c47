import { isLoopsError } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import type { SessionStore } from '../../store/session-store';
import { stateFromV2 } from '../../translate/session-state';
import type { TenantContext } from '../call-context';
import type { SessionSync } from './session-sync';

/** Loops' own expiry (and its webhook) gets this long to arrive before the sweep steps in. */
export const SWEEP_GRACE_SECONDS = 10;
const BATCH = 100;

const AUTOMATIC = { id: null, idempotencyKey: null };

/**
 * Finds open sessions past `expires_at` and settles them, so `checkout.session.expired` is never
 * lost when Loops does not report an expiry. Loops is asked first (the customer may have paid at
 * the last second); if Loops still calls the session open, it is expired there too, so both sides
 * agree. When Loops cannot be reached the session waits for the next sweep. Safe on every
 * instance at once: settling is compare-and-set, and events are deduplicated.
 */
export function createExpirySweep(deps: { sessions: SessionStore; sync: SessionSync; tenants: TenantContext[]; now: () => number; logger: Logger }) {
  return async function sweep(): Promise<number> {
    let settled = 0;
    const nowSeconds = Math.floor(deps.now() / 1000);
    for (const tenant of deps.tenants) {
      const tenantId = tenant.config.id;
      // Housekeeping rides along: list-index entries of sessions past their retention go.
      await deps.sessions.trimIndex(tenantId, deps.now());
      for (const id of await deps.sessions.dueForExpiry(tenantId, nowSeconds - SWEEP_GRACE_SECONDS, BATCH)) {
        const record = await deps.sessions.get(tenantId, id);
        const seen = record && (await deps.sync.observe(tenant, record));
        if (!record || !seen) continue;
        let state = seen.state;
        if (state === 'open') {
          try {
            const loops = await tenant.loops.updateSessionV2(id, { expiresAt: new Date(deps.now()).toISOString() });
            state = stateFromV2(loops) === 'open' ? 'expired' : stateFromV2(loops);
          } catch (error) {
            if (!isLoopsError(error)) throw error;
            deps.logger.warn({ session: id, err: error.message }, 'sweep could not expire the session in Loops; will retry');
            continue;
          }
        }
        if (await deps.sync.settle(tenantId, id, state, seen.details, { source: 'sweep', request: AUTOMATIC })) settled += 1;
      }
    }
    if (settled > 0) deps.logger.info({ settled }, 'expiry sweep settled sessions');
    return settled;
  };
}
