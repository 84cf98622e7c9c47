import type { PaymentStatus, SessionStatus } from '../stripe/objects/checkout-session-object';
import type { LoopsV2Session, LoopsV3Session } from '../loops/loops-schemas';

/** A session's state in Loops' vocabulary (the list filter's names, docs/loops-contract.md §3.2). */
export type LoopsSessionState = 'open' | 'completed' | 'expired' | 'failed' | 'cancelled';

/**
 * The one table from Loops session states to Stripe's `status` / `payment_status`
 * (docs/stripe-checkout-contract.md §5.2). Stripe has no "failed" or "cancelled" session: a Loops session in
 * either state can never be paid again, which is what Stripe calls `expired`.
 */
export const STRIPE_SESSION_STATE: Record<LoopsSessionState, { status: SessionStatus; payment_status: PaymentStatus }> = {
  open: { status: 'open', payment_status: 'unpaid' },
  completed: { status: 'complete', payment_status: 'paid' },
  expired: { status: 'expired', payment_status: 'unpaid' },
  failed: { status: 'expired', payment_status: 'unpaid' },
  cancelled: { status: 'expired', payment_status: 'unpaid' },
};

const STATUS_NAMES: Record<string, LoopsSessionState> = {
  open: 'open',
  pending: 'open',
  completed: 'completed',
  complete: 'completed',
  expired: 'expired',
  failed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export class UnknownLoopsStateError extends Error {
  constructor(detail: string) {
    super(`Loops reported a session state the gateway does not know: ${detail}`);
    this.name = 'UnknownLoopsStateError';
  }
}

/** V1/V2 `status` (PENDING, COMPLETED, EXPIRED, CANCELLED, FAILED) or the list-filter names. */
export function stateFromStatusName(status: string, sessionId: string): LoopsSessionState {
  const state = STATUS_NAMES[status.toLowerCase()];
  if (!state) throw new UnknownLoopsStateError(`status "${status}" on ${sessionId}`);
  return state;
}

/**
 * V3 objects have no `status` (docs/loops-contract.md §3.2): paid means completed; unpaid past `expires_at`
 * means expired; otherwise open. A `status`, if Loops ever sends one, wins.
 */
export function stateFromV3(session: LoopsV3Session, nowSeconds: number): LoopsSessionState {
  if (session.status) return stateFromStatusName(session.status, session.id);
  switch (session.payment_status) {
    case 'paid':
    case 'no_payment_required':
      return 'completed';
    case 'unpaid':
      return session.expires_at !== null && session.expires_at !== undefined && session.expires_at <= nowSeconds ? 'expired' : 'open';
    default:
      throw new UnknownLoopsStateError(`payment_status "${String(session.payment_status)}" on ${session.id}`);
  }
}

export function stateFromV2(session: LoopsV2Session): LoopsSessionState {
  return stateFromStatusName(session.status, session.id);
}

/**
 * A V3 session's state when its V2 `status` is read beside it (LOOPS_CONTRACT.v3StatusFromV2).
 * A payment seen by either wins (a payment must never lose to an expiry); otherwise a final V2
 * status is Loops' own word, and the only way to see a session Loops expired early or failed
 * (docs/loops-contract.md §3.2: V3 has no `status`); otherwise what V3 shows (open, or past `expires_at`).
 */
export function stateFromV3AndV2(v3: LoopsSessionState, v2: LoopsSessionState): LoopsSessionState {
  if (v3 === 'completed' || v2 === 'completed') return 'completed';
  return v2 === 'open' ? v3 : v2;
}
