import { applyLoopsState } from '../../src/services/checkout-sessions/apply-loops-state';
import { applyFinalQuantity } from '../../src/services/checkout-sessions/final-quantity';
import { buildLineItemObject } from '../../src/stripe/objects/line-item-object';
import { buildPriceObject } from '../../src/stripe/objects/price-object';
import type { SessionRecord } from '../../src/store/session-record';
import { sessionRecord } from '../helpers/session-records';

const item = (id: string, unitAmount: number, quantity: number, adjustable: { minimum?: number; maximum?: number } | null) =>
  buildLineItemObject({
    id,
    price: buildPriceObject({ id: `price_${id}`, productId: `prod_${id}`, currency: 'usd', unitAmount, recurring: null }, false),
    description: id,
    quantity,
    adjustableQuantity: adjustable && { enabled: true, ...adjustable },
    metadata: null,
  });

/** A T-shirt (20.00, adjustable 1–10, created with 2) and a mug (12.50, fixed). */
function record(adjustable: { minimum?: number; maximum?: number } | null = { minimum: 1, maximum: 10 }): SessionRecord {
  const base = sessionRecord({ id: 'cs_1', tenantId: 't', createdMs: 0 });
  base.session.amount_total = 5250;
  base.lineItems = [item('tshirt', 2000, 2, adjustable), item('mug', 1250, 1, null)];
  return base;
}

describe('final quantity of an adjustable item (Loops reports only the total)', () => {
  it('derives the quantity from the total and updates the item and the session amounts', () => {
    const r = record();
    expect(applyFinalQuantity(r, 4 * 2000 + 1250)).toBe('derived');
    expect(r.lineItems[0]).toMatchObject({ quantity: 4, amount_subtotal: 8000, amount_total: 8000 });
    expect(r.lineItems[1]).toMatchObject({ quantity: 1, amount_total: 1250 });
    expect(r.session).toMatchObject({ amount_total: 9250, amount_subtotal: 9250 });
  });

  it('without an adjustable item, the total changes nothing', () => {
    const r = record(null);
    expect(applyFinalQuantity(r, 999)).toBe('fixed');
    expect(r.session.amount_total).toBe(5250);
  });

  it('an unknown total leaves the completion waiting: applyLoopsState keeps the session open', () => {
    const r = record();
    expect(applyFinalQuantity(r, undefined)).toBe('unknown');
    expect(applyLoopsState(r, 'completed', {})).toBeUndefined();
    expect(r.session.status).toBe('open');
    expect(applyLoopsState(r, 'completed', { amountTotal: 3 * 2000 + 1250 })?.session).toMatchObject({ status: 'complete', amount_total: 7250 });
    expect(r.lineItems[0]).toMatchObject({ quantity: 3 });
  });

  it('a total no quantity within the bounds explains: amounts follow what was charged, quantities stay', () => {
    for (const total of [2000 * 11 + 1250, 2000 * 2 + 1250 + 1, 1000, 1250]) {
      const r = record();
      expect(applyFinalQuantity(r, total)).toBe('inconsistent');
      expect(r.session.amount_total).toBe(total);
      expect(r.lineItems[0]).toMatchObject({ quantity: 2, amount_total: 4000 });
    }
  });

  it('expired or failed sessions need no total', () => {
    expect(applyLoopsState(record(), 'expired', {})?.session.status).toBe('expired');
  });
});
