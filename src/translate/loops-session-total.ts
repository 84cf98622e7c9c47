import type { LoopsV2Session, LoopsV3Session } from '../loops/loops-schemas';
import { fromLoopsV3Amount } from '../loops/v3-amounts';
import { majorToMinor } from '../stripe/money';

/**
 * What Loops says a session charges, in Stripe's minor units, or null when it does not say. A
 * completed session with an adjustable quantity needs it (final-quantity.ts).
 */
export function loopsTotalInMinorUnits(session: LoopsV3Session): number | null {
  if (session.amount_total == null || !session.currency) return null;
  return fromLoopsV3Amount(session.amount_total, session.currency);
}

/** A V2 session's `amount` is in major units (docs/loops-contract.md §3.1). */
export function loopsV2TotalInMinorUnits(session: LoopsV2Session): number | null {
  if (session.amount == null || !session.currency) return null;
  return majorToMinor(session.amount, session.currency);
}
