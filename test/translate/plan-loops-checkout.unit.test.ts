import { GatewayError } from '../../src/errors';
import { planLoopsCheckout, type CheckoutCommon } from '../../src/translate/plan-loops-checkout';
import type { ResolvedLineItem } from '../../src/translate/resolved-line-item';

const item = (index: number, target: ResolvedLineItem['target'], quantity = 1, adjustable = false): ResolvedLineItem => ({
  index,
  quantity,
  adjustableQuantity: adjustable ? { enabled: true, maximum: 5 } : null,
  metadata: null,
  price: { id: `price_${index}`, productId: `prod_${index}`, currency: 'usd', unitAmount: 100, recurring: null },
  product: { id: `prod_${index}`, name: `Item ${index}` },
  target,
});
const common: CheckoutCommon = {
  mode: 'payment',
  expiresAt: 1_700_000_000,
  successUrl: 'https://s.example/{CHECKOUT_SESSION_ID}',
  metadata: { a: '1' },
};
const product = (n: number, priceId: string | null = `lprice_${n}`) => ({ kind: 'product' as const, productId: `lprod_${n}`, priceId });

describe('planLoopsCheckout', () => {
  it('sends V3 line_items with the Loops price id, falling back to the product id', () => {
    const plan = planLoopsCheckout([item(0, product(0)), item(1, product(1, null), 3, true)], common, {
      form: 'line_items',
      lineItemReference: 'price',
    });
    expect(plan).toEqual({
      api: 'v3',
      body: {
        line_items: [
          { price: 'lprice_0', quantity: 1 },
          { price: 'lprod_1', quantity: 3, adjustable_quantity: { enabled: true, maximum: 5 } },
        ],
        mode: 'payment',
        success_url: 'https://s.example/{CHECKOUT_SESSION_ID}',
        metadata: { a: '1' },
        expires_at: 1_700_000_000,
      },
    });
  });

  it('with v3AcceptsExpiresAt off, leaves expires_at out of the V3 body and carries it for the V2 update', () => {
    const plan = planLoopsCheckout([item(0, product(0))], common, { form: 'line_items', lineItemReference: 'price', v3AcceptsExpiresAt: false });
    expect(plan.api).toBe('v3');
    expect(plan.api === 'v3' && plan.body.expires_at).toBeUndefined();
    expect(plan.api === 'v3' && plan.expiresAt).toBe(common.expiresAt);
    const on = planLoopsCheckout([item(0, product(0))], common, { form: 'line_items', lineItemReference: 'price', v3AcceptsExpiresAt: true });
    expect(on.api === 'v3' && [on.body.expires_at, on.expiresAt]).toEqual([common.expiresAt, undefined]);
  });

  it('uses product ids when configured, and the productId form for a single plain item', () => {
    const byProduct = planLoopsCheckout([item(0, product(0))], common, { form: 'line_items', lineItemReference: 'product' });
    expect(byProduct.api === 'v3' && byProduct.body.line_items).toEqual([{ price: 'lprod_0', quantity: 1 }]);
    const productForm = planLoopsCheckout([item(0, product(0), 4)], common, { form: 'product', lineItemReference: 'price' });
    expect(productForm.api === 'v3' && [productForm.body.productId, productForm.body.quantity, productForm.body.line_items]).toEqual([
      'lprod_0',
      4,
      undefined,
    ]);
    const adjustable = planLoopsCheckout([item(0, product(0), 1, true)], common, { form: 'product', lineItemReference: 'price' });
    expect(adjustable.api === 'v3' && adjustable.body.line_items).toHaveLength(1);
  });

  it('sends a payment-link price through V2, alone and with quantity 1 only', () => {
    const link = { kind: 'payment_link' as const, paymentLinkId: 'pl_1' };
    expect(planLoopsCheckout([item(0, link)], { ...common, customer: 'cus_1' }, { form: 'line_items', lineItemReference: 'price' })).toEqual({
      api: 'v2',
      expiresAt: 1_700_000_000,
      body: { paymentLinkId: 'pl_1', externalCustomerId: 'cus_1', metadata: { a: '1' }, successUrl: 'https://s.example/{CHECKOUT_SESSION_ID}' },
    });
    const choices = { form: 'line_items' as const, lineItemReference: 'price' as const };
    expect(() => planLoopsCheckout([item(0, product(0)), item(1, link)], common, choices)).toThrow(GatewayError);
    expect(() => planLoopsCheckout([item(0, link, 2)], common, choices)).toThrow(/must be the only line item, with quantity 1/);
  });
});
