import { buildCustomerDetails } from '../../stripe/objects/checkout-session-object';
import type { SessionRecord } from '../../store/session-record';
import { applyFinalQuantity } from './final-quantity';
import type { CompletionReport } from '../../translate/completion-report';
import { STRIPE_SESSION_STATE, type LoopsSessionState } from '../../translate/session-state';
import type { CompletionFacts } from './checkout-completion';

/** What Loops told us beyond the state itself. */
export interface LoopsStateDetails extends CompletionReport {
  paymentIntent?: string | null;
  customerEmail?: string | null;
  /**
   * The total Loops charged, in Stripe's minor units (V3 `amount_total`, a charge's `amount`).
   * Needed to complete a session with an adjustable quantity (final-quantity.ts); a report without
   * it leaves such a session open until one with it arrives (a webhook or a retrieve).
   */
  amountTotal?: number | null;
}

/**
 * A stored session moved to a Loops state (or left as it is: undefined). Final states are final:
 * a late "expired" never overrides "complete", and nothing reopens a session. A completion takes
 * what checkout-completion.ts gathered (`facts`): the customer details, the customer it created,
 * the subscription and its first invoice, and whether anything was paid, all in this one write,
 * so the `checkout.session.completed` recorded with it and every later read agree.
 */
export function applyLoopsState(
  record: SessionRecord,
  state: LoopsSessionState,
  details: LoopsStateDetails = {},
  facts?: CompletionFacts,
): SessionRecord | undefined {
  const target = STRIPE_SESSION_STATE[state];
  const session = record.session;
  if (session.status !== 'open' || target.status === 'open') return undefined;
  // Completed with a quantity the customer may have changed: only Loops' total tells which.
  if (target.status === 'complete' && applyFinalQuantity(record, details.amountTotal) === 'unknown') return undefined;
  session.status = target.status;
  session.payment_status = target.payment_status;
  // Stripe: "url … only present when the session is active".
  session.url = null;
  if (target.status === 'complete') {
    const typed = facts?.customerDetails ?? details.customerDetails;
    session.customer_details = buildCustomerDetails(typed?.email ?? details.customerEmail ?? session.customer_email, typed?.name ?? null);
    if (facts?.noPaymentRequired ?? details.noPaymentRequired) session.payment_status = 'no_payment_required';
    if (facts?.customer && session.customer === null) session.customer = facts.customer;
    if (session.mode === 'subscription') {
      // Stripe: a subscription checkout has no PaymentIntent of its own (the invoice has it, §11).
      if (facts?.subscription) session.subscription = facts.subscription;
      if (facts?.invoice) session.invoice = facts.invoice;
    } else if (details.paymentIntent) session.payment_intent = details.paymentIntent;
  }
  return record;
}
