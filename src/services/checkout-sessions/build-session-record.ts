import { randomId } from '../../stripe/ids';
import { buildCheckoutSessionObject } from '../../stripe/objects/checkout-session-object';
import { buildLineItemObject } from '../../stripe/objects/line-item-object';
import { buildPriceObject } from '../../stripe/objects/price-object';
import { buildProductObject } from '../../stripe/objects/product-object';
import type { ParsedCreateSessionParams } from '../../stripe/params/create-session-params';
import type { SessionRecord } from '../../store/session-record';
import type { ResolvedLineItem } from '../../translate/resolved-line-item';
import type { CallContext } from '../call-context';
import type { LoopsOutcome } from './create-in-loops';

export interface SessionTotals {
  mode: 'payment' | 'subscription';
  currency: string;
  amountTotal: number;
  nowMs: number;
}

/**
 * The stored session: the Stripe object as the merchant will read it, its line items and their
 * products. Prices and products keep their own `created` (from the mapping, or the Loops product
 * of a `price_data` price; 0 when unknown, as `GET /v1/prices/:id` shows it), never the session's:
 * one price id is one object, whichever session shows it.
 */
export function buildSessionRecord(
  call: CallContext,
  params: ParsedCreateSessionParams,
  items: ResolvedLineItem[],
  loops: LoopsOutcome,
  totals: SessionTotals,
  completion?: SessionRecord['completion'],
): SessionRecord {
  const session = buildCheckoutSessionObject({
    id: loops.id,
    livemode: call.livemode,
    created: Math.floor(totals.nowMs / 1000),
    expiresAt: loops.expiresAt,
    url: loops.url,
    mode: totals.mode,
    currency: totals.currency,
    amountSubtotal: totals.amountTotal,
    amountTotal: totals.amountTotal,
    params,
  });
  const lineItems = items.map((item) =>
    buildLineItemObject({
      id: randomId('li'),
      price: buildPriceObject(item.price, call.livemode),
      description: item.product.name,
      quantity: item.quantity,
      adjustableQuantity: item.adjustableQuantity,
      metadata: item.metadata,
    }),
  );
  const products = Object.fromEntries(items.map((item) => [item.product.id, buildProductObject(item.product, call.livemode)]));
  return {
    version: 1,
    tenantId: call.tenant.config.id,
    createdMs: totals.nowMs,
    loopsApi: items.some((item) => item.target.kind === 'payment_link') ? 'v2' : 'v3',
    session,
    lineItems,
    products,
    createdBy: { requestId: call.requestId, idempotencyKey: call.operation.idempotencyKey },
    ...(completion ? { completion } : {}),
  };
}
