import type { PriceFacts } from '../stripe/objects/price-object';
import type { ProductFacts } from '../stripe/objects/product-object';

/** Where a line item goes in Loops. */
export type LoopsTarget = { kind: 'product'; productId: string; priceId: string | null } | { kind: 'payment_link'; paymentLinkId: string };

/** A Stripe line item once its price is known on both sides. */
export interface ResolvedLineItem {
  index: number;
  price: PriceFacts;
  product: ProductFacts;
  quantity: number;
  adjustableQuantity: { enabled: boolean; maximum?: number; minimum?: number } | null;
  metadata: Record<string, string> | null;
  target: LoopsTarget;
}
