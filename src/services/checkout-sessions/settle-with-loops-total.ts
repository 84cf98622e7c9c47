import { isLoopsError } from '../../loops/loops-error';
import type { LoopsV2Session } from '../../loops/loops-schemas';
import { fromLoopsV3Amount } from '../../loops/v3-amounts';
import { majorToMinor } from '../../stripe/money';
import type { SessionRecord } from '../../store/session-record';
import { stateFromV3, UnknownLoopsStateError } from '../../translate/session-state';
import type { TenantContext } from '../call-context';
import type { SettleCause } from '../session-events';
import { hasAdjustableItem } from './final-quantity';
import type { SessionSync } from './session-sync';

/**
 * A completed session with an adjustable quantity can only settle with Loops' total
 * (final-quantity.ts), and the session sync's own read does not carry it. So a retrieve of such a
 * session, still open here, reads Loops itself and settles a completion with the total: the
 * merchant's success page, which retrieves right after payment, sees the final quantity even
 * before Loops' webhook arrives. Other states, and other sessions, are left to `sync.refresh`.
 */
export async function settleWithLoopsTotal(
  deps: { sync: SessionSync; now: () => number },
  tenant: TenantContext,
  record: SessionRecord,
  request: SettleCause['request'],
): Promise<SessionRecord> {
  if (record.session.status !== 'open' || record.loopsApi !== 'v3' || !hasAdjustableItem(record)) return record;
  try {
    const loops = await tenant.loops.getSessionV3(record.session.id);
    if (stateFromV3(loops, Math.floor(deps.now() / 1000)) !== 'completed') return record;
    const amountTotal =
      loops.amount_total === null || loops.amount_total === undefined || !loops.currency
        ? null
        : fromLoopsV3Amount(loops.amount_total, loops.currency);
    const details = { paymentIntent: loops.payment_intent, customerEmail: loops.customer_email, amountTotal };
    return (await deps.sync.settle(record.tenantId, record.session.id, 'completed', details, { source: 'retrieve', request })) ?? record;
  } catch (error) {
    // Loops unreachable or answering a state the gateway cannot map: the refresh that follows
    // reports it; the stored view is served meanwhile.
    if (isLoopsError(error) || error instanceof UnknownLoopsStateError) return record;
    throw error;
  }
}

/** A V2 session's `amount` (major units, loops-api.md §3.1) in Stripe's minor units. */
export function v2AmountInMinorUnits(session: LoopsV2Session): number | null {
  return session.amount === null || session.amount === undefined || !session.currency ? null : majorToMinor(session.amount, session.currency);
}
