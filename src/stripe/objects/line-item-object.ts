import type { StripePrice } from './price-object';

export interface LineItemFacts {
  id: string;
  price: StripePrice;
  description: string;
  quantity: number;
  adjustableQuantity: { enabled: boolean; maximum?: number; minimum?: number } | null;
  metadata: Record<string, string> | null;
}

/** Stripe's `item` object (docs/stripe-checkout-contract.md §5.4): amounts in minor units, no tax or discount. */
export function buildLineItemObject(item: LineItemFacts) {
  const amount = (item.price.unit_amount ?? 0) * item.quantity;
  return {
    id: item.id,
    object: 'item' as const,
    adjustable_quantity: item.adjustableQuantity
      ? {
          enabled: item.adjustableQuantity.enabled,
          maximum: item.adjustableQuantity.maximum ?? null,
          minimum: item.adjustableQuantity.minimum ?? null,
        }
      : null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: item.price.currency,
    description: item.description,
    metadata: item.metadata,
    price: item.price,
    quantity: item.quantity,
  };
}

export type StripeLineItem = ReturnType<typeof buildLineItemObject>;
