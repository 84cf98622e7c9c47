import type { LoopsV3Session } from '../loops/loops-schemas';

/** What the customer typed on Loops' page (docs/loops-contract.md §8 [chosen]). */
export interface TypedCustomerDetails {
  email: string | null;
  name: string | null;
}

/**
 * What a Loops report of a completed session says beyond its state, read where the report has it
 * (docs/loops-contract.md §8, all [chosen]). `undefined` means "this report does not say" (a charge carries
 * no `customer_details`; a V2 status read carries none of these), so the completion reads Loops'
 * V3 session when it needs what is missing (checkout-completion.ts); `null` means Loops says none.
 */
export interface CompletionReport {
  customerDetails?: TypedCustomerDetails | null;
  /** The subscription a subscription-mode checkout created (V3 `subscription`; a charge's `subscription`). */
  subscription?: string | null;
  /** A trial checkout completes without a payment (§8.3): V3 `payment_status: no_payment_required`. */
  noPaymentRequired?: boolean;
}

/** The report a V3 session object makes (a webhook's `data.object`, or a V3 read). */
export function completionReportOfV3(session: LoopsV3Session): CompletionReport {
  const typed = session.customer_details;
  return {
    ...(typed !== undefined ? { customerDetails: typed && { email: typed.email ?? null, name: typed.name ?? null } } : {}),
    ...(session.subscription !== undefined ? { subscription: session.subscription } : {}),
    noPaymentRequired: session.payment_status === 'no_payment_required',
  };
}
