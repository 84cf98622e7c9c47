import { createHmac } from 'node:crypto';

/**
 * Stripe's webhook signature exactly as `stripe.webhooks.constructEvent` checks it
 * (docs/stripe-checkout-contract.md §7.1): `t=<unix>,v1=<lowercase hex HMAC-SHA256 of "t.payload">`, no spaces,
 * keyed with the whole `whsec_…` string; one `v1` per active secret during rotation. Computed at
 * each attempt, so a retry hours later still carries a fresh, verifiable timestamp.
 */
export function stripeSignatureHeader(payload: string, secrets: string[], timestampSeconds: number): string {
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex')}`);
  return [`t=${timestampSeconds}`, ...signatures].join(',');
}
