import { toUnixSeconds } from '../clock';
import { paymentLinkUrl, type EmulatorContext } from '../context';
import type { PaymentLinkRecord, ProductRecord } from '../state';
import { renderPrice, unitAmount } from './product';

/**
 * Stripe's `payment_link` shape (docs/loops-contract.md §3.4) plus Loops' own fields (`label`, `productIds`,
 * `successUrl`, `cancelUrl`). `line_items` holds one item per product with its full price object.
 */
export function renderPaymentLink(context: EmulatorContext, link: PaymentLinkRecord) {
  const products = link.productIds.map((id) => context.state.products.get(id)).filter((p): p is ProductRecord => p !== undefined);
  return {
    id: link.id,
    object: 'payment_link' as const,
    active: link.active,
    after_completion: link.successUrl
      ? { type: 'redirect' as const, redirect: { url: link.successUrl } }
      : { type: 'hosted_confirmation' as const, hosted_confirmation: { custom_message: null } },
    created: toUnixSeconds(link.createdMs),
    currency: products[0]?.priceCurrency.toLowerCase() ?? null,
    line_items: {
      object: 'list' as const,
      data: products.map((product, index) => renderItem(link, product, index)),
      has_more: false,
      url: `/api/v3/payment-links/${link.id}/line_items`,
    },
    livemode: false,
    metadata: { ...link.metadata },
    url: paymentLinkUrl(context, link.id),
    label: link.label,
    productIds: [...link.productIds],
    successUrl: link.successUrl,
    cancelUrl: link.cancelUrl,
  };
}

function renderItem(link: PaymentLinkRecord, product: ProductRecord, index: number) {
  const amount = unitAmount(product);
  return {
    id: `li_${link.id.slice(3)}${index}`,
    object: 'item' as const,
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: product.priceCurrency.toLowerCase(),
    description: product.name,
    metadata: null,
    price: renderPrice(product),
    quantity: 1,
  };
}
