import { isLoopsError } from '../../loops/loops-error';
import type { LoopsV3Session } from '../../loops/loops-schemas';
import type { Logger } from '../../observability/logger';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import { loopsTotalInMinorUnits, loopsV2TotalInMinorUnits } from '../../translate/loops-session-total';
import type { LoopsCheckoutPlan } from '../../translate/plan-loops-checkout';
import type { CallContext } from '../call-context';
import { findMarkedSession } from './find-marked-session';

/** The Loops session a create ends with, in Stripe's units. */
export interface LoopsOutcome {
  id: string;
  url: string | null;
  /** Minor units, when Loops says. */
  amountTotal: number | null;
  expiresAt: number;
}

/**
 * Makes the plan's Loops session, at most once per logical operation, with two guards:
 * 1. the Loops `Idempotency-Key` derives from the operation key, so a retry of the same Stripe
 *    request (same Idempotency-Key and parameters) asks Loops for the same session;
 * 2. Loops may ignore that header (loops-api.md §7.7), so a retry of an operation whose earlier
 *    attempt left no answer first looks for the session that attempt may have made, by the
 *    operation marker in its metadata (translate/operation-marker.ts).
 */
export async function createInLoops(call: CallContext, plan: LoopsCheckoutPlan, marker: string, logger: Logger): Promise<LoopsOutcome> {
  // The operation key is already a digest (or random); the suffix names the Loops call it keys.
  const key = `${call.operationKey}-session`;
  try {
    const earlier = call.resumesOperation ? await findMarkedSession(call.tenant.loops, marker, customerOf(plan), logger) : undefined;
    if (earlier) logger.info({ session: earlier.id }, 'a retried create found the Loops session of its earlier attempt');
    if (plan.api === 'v3') return fromV3(earlier ?? (await call.tenant.loops.createSessionV3(plan.body, key)), plan.body.expires_at ?? 0);
    const id = earlier?.id ?? (await call.tenant.loops.createSessionV2(plan.body, key)).id;
    // V2 create takes no expiry; Stripe's default is 24 h, Loops' 1 h, so set it explicitly.
    const session = await call.tenant.loops.updateSessionV2(id, { expiresAt: new Date(plan.expiresAt * 1000).toISOString() });
    return {
      id: session.id,
      url: session.url ?? null,
      amountTotal: loopsV2TotalInMinorUnits(session),
      expiresAt: session.expiresAt ? Math.floor(Date.parse(session.expiresAt) / 1000) : plan.expiresAt,
    };
  } catch (error) {
    throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
  }
}

function fromV3(session: LoopsV3Session, requestedExpiry: number): LoopsOutcome {
  return {
    id: session.id,
    url: session.url ?? null,
    amountTotal: loopsTotalInMinorUnits(session),
    expiresAt: session.expires_at ?? requestedExpiry,
  };
}

/** The customer filter narrows the search (V3 `externalCustomerId`, loops-api.md §3.2). */
function customerOf(plan: LoopsCheckoutPlan): string | undefined {
  return plan.body.externalCustomerId;
}
