import { loopsV2TotalInMinorUnits } from '../../translate/loops-session-total';
import { stateFromV2, type LoopsSessionState } from '../../translate/session-state';
import type { TenantContext } from '../call-context';

/** What Loops answered to an expire: the state the session ends in, and the total it reported. */
export interface ExpiredInLoops {
  state: Exclude<LoopsSessionState, 'open'>;
  /** V2 `amount` in Stripe's minor units: a session paid in the meantime may need it (final-quantity.ts). */
  amountTotal: number | null;
}

/**
 * Expires a session in Loops now (a V2 update of `expiresAt`, docs/loops-contract.md §3.1) and reads
 * the state from Loops' answer. Loops may report the session paid in the meantime: then it is
 * complete, not expired; still open in the answer means the expiry took effect. Loops' errors
 * propagate as they are: a refusal (loops-error.ts `isLoopsRefusal`) usually means Loops ended the
 * session since it was read, and each caller decides what to make of that.
 */
export async function expireInLoops(tenant: TenantContext, sessionId: string, nowMs: number): Promise<ExpiredInLoops> {
  const loops = await tenant.loops.updateSessionV2(sessionId, { expiresAt: new Date(nowMs).toISOString() });
  const state = stateFromV2(loops);
  return { state: state === 'open' ? 'expired' : state, amountTotal: loopsV2TotalInMinorUnits(loops) };
}
