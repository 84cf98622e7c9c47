import { createHash } from 'node:crypto';

/**
 * The `Idempotency-Key` of the one Loops product a tenant's Stripe price may have. Deterministic,
 * so a retry, a resumed run and a colleague's run at the same time all send the same key, and a
 * Loops that honours keys (§1 [chosen], §7.7) answers them all with the same product.
 */
export function createProductKey(tenantId: string, stripePriceId: string): string {
  const digest = createHash('sha256').update(`stripe-loops-map\n${tenantId}\n${stripePriceId}`).digest('hex');
  return `map-product-${digest.slice(0, 48)}`;
}
