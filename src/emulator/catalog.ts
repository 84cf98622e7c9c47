import { ApiError, paymentLinkNotFound, productNotFound } from './errors';
import { unitAmount } from './render/product';
import type { AdjustableQuantity, EmulatorState, LineItemRecord, PaymentLinkRecord, ProductRecord } from './state';

/**
 * V3 `line_items[].price` takes a Loops price id (a product's `default_price`) or a product id
 * (docs/loops-contract.md §3.2 [chosen]); prices are looked up first. An unknown id is the §1 404.
 */
export function requireProductByRef(state: EmulatorState, ref: string): ProductRecord {
  const product = state.products.get(state.priceIndex.get(ref) ?? ref);
  if (!product) throw productNotFound();
  return product;
}

export function requirePaymentLink(state: EmulatorState, id: string): PaymentLinkRecord {
  const link = state.paymentLinks.get(id);
  if (!link) throw paymentLinkNotFound();
  return link;
}

/** One checkout line for a product; an archived (inactive) product cannot be sold. */
export function lineItemFor(product: ProductRecord, quantity: number, adjustable: AdjustableQuantity | null = null): LineItemRecord {
  if (!product.active) throw new ApiError(400, 'product_inactive', `Product ${product.id} is not active`);
  return {
    productId: product.id,
    priceId: product.defaultPriceId,
    productName: product.name,
    quantity,
    unitAmount: unitAmount(product),
    currency: product.priceCurrency,
    recurringInterval: product.recurringInterval,
    adjustableQuantity: adjustable,
  };
}

/** A payment link's products, each once (quantity 1), for V1/V2 sessions made from it (§3.4). */
export function lineItemsOfLink(state: EmulatorState, link: PaymentLinkRecord): LineItemRecord[] {
  if (!link.active) throw new ApiError(400, 'payment_link_inactive', `Payment link ${link.id} is not active`);
  return link.productIds.map((id) => lineItemFor(requireProductByRef(state, id), 1));
}
