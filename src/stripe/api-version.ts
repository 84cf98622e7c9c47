/** The Stripe API version the gateway renders by default: stripe-node 23.1.0's pinned version. */
export const DEFAULT_STRIPE_VERSION = '2026-10-28.endive';

/** `ui_mode` values were renamed in 2026-03-25.dahlia (stripe-surface.md §0.9). */
const HOSTED_PAGE_RENAMED_IN = '2026-03-25';

export function hostedUiMode(stripeVersion: string): 'hosted_page' | 'hosted' {
  return stripeVersion.slice(0, 10) >= HOSTED_PAGE_RENAMED_IN ? 'hosted_page' : 'hosted';
}
