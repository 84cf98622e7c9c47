import { GatewayError } from '../errors';
import { LOOPS_CONTRACT } from '../loops/contract-choices';
import type { LoopsSubscriptionData, LoopsV2CreateSessionBody, LoopsV3CreateSessionBody } from '../loops/loops-schemas';
import type { ResolvedLineItem } from './resolved-line-item';

/** What every Loops session create carries besides its items. */
export interface CheckoutCommon {
  mode: 'payment' | 'subscription';
  successUrl?: string;
  cancelUrl?: string;
  /** The `customer` the merchant named (echoed to Loops V3 as `customer`). */
  customer?: string;
  /**
   * Whose checkout it is for Loops (docs/loops-contract.md §8: Loops has no customer object): the id of the
   * customer the gateway creates at completion (subscription mode, `customer_creation: always`),
   * so Loops' subscription and portal know it from the start; `customer` when not given.
   */
  externalCustomerId?: string;
  customerEmail?: string;
  clientReferenceId?: string;
  metadata?: Record<string, string>;
  paymentMethodTypes?: string[];
  /** Unix seconds. */
  expiresAt: number;
  /** §8.3 trial and starting metadata of the subscription (subscription mode). */
  subscriptionData?: LoopsSubscriptionData;
}

export interface PlanChoices {
  form: 'line_items' | 'product';
  lineItemReference: 'price' | 'product';
  /** V3 create takes `expires_at` (default LOOPS_CONTRACT.v3AcceptsExpiresAt, docs/loops-contract.md §3.2, §7.5). */
  v3AcceptsExpiresAt?: boolean;
}

export type LoopsCheckoutPlan =
  /** `expiresAt` only when V3 create does not take `expires_at`: then the `PUT expiresAt` (V2) that follows sets it. */
  | { api: 'v3'; body: LoopsV3CreateSessionBody; expiresAt?: number }
  /** V2 create has no expiry field: the plan carries it for the `PUT expiresAt` that follows. */
  | { api: 'v2'; body: LoopsV2CreateSessionBody; expiresAt: number };

/**
 * The one function that decides how a Stripe checkout becomes a Loops checkout (docs/loops-contract.md §2):
 *
 * 1. A price mapped to a Loops payment link → V2 `{paymentLinkId}`. A payment link fixes its own
 *    contents, so it must be the only line item, with quantity 1.
 * 2. Otherwise V3. With the `product` form and a single item without adjustable quantity →
 *    `{productId, quantity}`; else Stripe-style `line_items`, each `price` being the Loops price id
 *    (or the product id, per LOOPS_LINE_ITEM_REFERENCE: the contract's open question §7.3).
 */
export function planLoopsCheckout(items: ResolvedLineItem[], common: CheckoutCommon, choices: PlanChoices): LoopsCheckoutPlan {
  const externalCustomerId = common.externalCustomerId ?? common.customer;
  const linkItem = items.find((item) => item.target.kind === 'payment_link');
  if (linkItem && linkItem.target.kind === 'payment_link') {
    if (items.length > 1 || linkItem.quantity !== 1 || linkItem.adjustableQuantity?.enabled) {
      throw new GatewayError(
        'parameter_unsupported',
        `${linkItem.price.id} is mapped to a Loops payment link, which fixes its own contents: it must be the only line item, with quantity 1.`,
        `line_items[${linkItem.index}][price]`,
      );
    }
    if (common.subscriptionData) {
      throw new GatewayError(
        'parameter_unsupported',
        `${linkItem.price.id} is mapped to a Loops payment link, whose checkouts take no trial or subscription metadata (Loops V2); map it to a Loops product to use \`subscription_data\`.`,
        'subscription_data',
      );
    }
    return {
      api: 'v2',
      expiresAt: common.expiresAt,
      body: {
        paymentLinkId: linkItem.target.paymentLinkId,
        ...(externalCustomerId ? { externalCustomerId } : {}),
        ...(common.metadata ? { metadata: common.metadata } : {}),
        ...(common.successUrl ? { successUrl: common.successUrl } : {}),
        ...(common.cancelUrl ? { cancelUrl: common.cancelUrl } : {}),
      },
    };
  }
  const products = items.map((item) => {
    if (item.target.kind !== 'product') throw new Error('unreachable: payment links handled above');
    return { item, target: item.target };
  });
  const single = products.length === 1 ? products[0] : undefined;
  const itemsPart: Pick<LoopsV3CreateSessionBody, 'line_items' | 'productId' | 'quantity'> =
    choices.form === 'product' && single && !single.item.adjustableQuantity
      ? { productId: single.target.productId, quantity: single.item.quantity }
      : {
          line_items: products.map(({ item, target }) => ({
            price: choices.lineItemReference === 'price' ? (target.priceId ?? target.productId) : target.productId,
            quantity: item.quantity,
            ...(item.adjustableQuantity ? { adjustable_quantity: item.adjustableQuantity } : {}),
          })),
        };
  const expiresInBody = choices.v3AcceptsExpiresAt ?? LOOPS_CONTRACT.v3AcceptsExpiresAt;
  return {
    api: 'v3',
    ...(expiresInBody ? {} : { expiresAt: common.expiresAt }),
    body: {
      ...itemsPart,
      mode: common.mode,
      ...(common.successUrl ? { success_url: common.successUrl } : {}),
      ...(common.cancelUrl ? { cancel_url: common.cancelUrl } : {}),
      ...(common.customer ? { customer: common.customer } : {}),
      ...(externalCustomerId ? { externalCustomerId } : {}),
      ...(common.customerEmail ? { customer_email: common.customerEmail } : {}),
      ...(common.clientReferenceId ? { client_reference_id: common.clientReferenceId } : {}),
      ...(common.metadata ? { metadata: common.metadata } : {}),
      ...(common.paymentMethodTypes ? { payment_method_types: common.paymentMethodTypes } : {}),
      ...(expiresInBody ? { expires_at: common.expiresAt } : {}),
      ...(common.subscriptionData ? { subscription_data: common.subscriptionData } : {}),
    },
  };
}
