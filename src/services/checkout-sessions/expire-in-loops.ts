import { GatewayError } from '../../errors';
import { LOOPS_CONTRACT } from '../../loops/contract-choices';
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
 * Expires a session in Loops now and reads the state from Loops' answer. The expiry goes through
 * the V2 update (`PUT … expiresAt`, docs/loops-contract.md §3.1, §3.2: V3 has no update; [chosen]
 * `throughV2Update`, default LOOPS_CONTRACT.expireThroughV2Update); with that switched off Loops
 * cannot be told, and this throws `loops_contract_off` without calling Loops. Loops may report the
 * session paid in the meantime: then it is complete, not expired; still open in the answer means
 * the expiry took effect. Loops' errors propagate as they are: a refusal (loops-error.ts
 * `isLoopsRefusal`) usually means Loops ended the session since it was read, and each caller
 * decides what to make of that.
 */
export async function expireInLoops(
  tenant: TenantContext,
  sessionId: string,
  nowMs: number,
  throughV2Update: boolean = LOOPS_CONTRACT.expireThroughV2Update,
): Promise<ExpiredInLoops> {
  if (!throughV2Update) {
    throw new GatewayError(
      'loops_contract_off',
      'Expiring a Checkout Session needs Loops to take an expiry through its V2 session update (docs/loops-contract.md §3.1), ' +
        'which this gateway has switched off (LOOPS_CONTRACT.expireThroughV2Update=false): the session ends at its `expires_at`.',
    );
  }
  const loops = await tenant.loops.updateSessionV2(sessionId, { expiresAt: new Date(nowMs).toISOString() });
  const state = stateFromV2(loops);
  return { state: state === 'open' ? 'expired' : state, amountTotal: loopsV2TotalInMinorUnits(loops) };
}
