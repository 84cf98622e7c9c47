/**
 * The `Stripe-Version` boundaries that change the billing objects (docs/stripe-billing-contract.md §12).
 * Versions compare by their date; the release name only labels it.
 */
const dateOf = (stripeVersion: string) => stripeVersion.slice(0, 10);

/**
 * `2025-03-31.basil` moved the subscription's `current_period_*` onto its items and the invoice's
 * `subscription`, `paid`, `charge`, … into `parent` and `payments` (§0.1, §0.2).
 */
export const BASIL = '2025-03-31';

/** `2025-09-30.clover` made `billing_mode: flexible` the default for new subscriptions (§0.6). */
export const CLOVER = '2025-09-30';

export function usesBasilBillingShapes(stripeVersion: string): boolean {
  return dateOf(stripeVersion) >= BASIL;
}

export type BillingMode = 'classic' | 'flexible';

/** The billing mode Stripe gives a subscription created by a request of this version. */
export function billingModeFor(stripeVersion: string): BillingMode {
  return dateOf(stripeVersion) >= CLOVER ? 'flexible' : 'classic';
}
