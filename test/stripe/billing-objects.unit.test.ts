import invoiceFixture from '../fixtures/invoice.json';
import planFixture from '../fixtures/plan.json';
import subscriptionFixture from '../fixtures/subscription.json';
import subscriptionItemFixture from '../fixtures/subscription_item.json';
import { buildInvoiceObject, shapeInvoiceForVersion } from '../../src/stripe/objects/invoice-object';
import { buildPlanObject } from '../../src/stripe/objects/plan-object';
import { buildSubscriptionItemObject, buildSubscriptionObject, shapeSubscriptionForVersion } from '../../src/stripe/objects/subscription-object';
import { T0, firstPlan, loopsSub, PRO_PRICE } from '../helpers/subscription-records';

const keys = (object: object) => Object.keys(object).sort();
const missing = (fixture: object, built: object) => keys(fixture).filter((key) => !(key in built));

/**
 * Every field Stripe's own example objects have (test/fixtures, from the OpenAPI fixtures) is on
 * the gateway's, nulls included, so code reading any of them finds it (docs/stripe-billing-contract.md §13).
 */
describe('billing objects carry every field of Stripe’s fixtures', () => {
  const plan = firstPlan(loopsSub());
  if (!plan) throw new Error('expected a plan');
  const record = plan.record;
  const invoice = plan.invoices[0];
  if (!invoice) throw new Error('expected an invoice');

  it('subscription, subscription item and plan', () => {
    expect(missing(subscriptionFixture, buildSubscriptionObject(record))).toEqual([]);
    expect(missing(subscriptionItemFixture, buildSubscriptionItemObject(record))).toEqual([]);
    expect(missing(planFixture, buildPlanObject(PRO_PRICE))).toEqual([]);
  });

  it('invoice and its line (the fixture’s stale top-level `subscription` only before basil)', () => {
    const built = buildInvoiceObject(invoice);
    expect(missing(invoiceFixture, built)).toEqual(['subscription']);
    expect(missing(invoiceFixture.lines.data[0] ?? {}, built.lines.data[0] ?? {})).toEqual([]);
    expect(missing(invoiceFixture, shapeInvoiceForVersion(built, invoice, '2024-06-20'))).toEqual([]);
  });

  it('decimals are numeric strings and the subscription shape follows the version', () => {
    const item = buildSubscriptionItemObject(record);
    expect(item.plan.amount_decimal).toBe('900');
    expect(item.price.unit_amount_decimal).toBe('900');
    expect(buildInvoiceObject(invoice).lines.data[0]?.pricing.unit_amount_decimal).toBe('900');
    const current = shapeSubscriptionForVersion(buildSubscriptionObject(record), '2026-10-28.endive');
    const old = shapeSubscriptionForVersion(buildSubscriptionObject(record), '2025-02-24.acacia');
    expect('current_period_start' in current).toBe(false);
    expect(old).toMatchObject({ current_period_start: T0, discount: null });
    expect(shapeSubscriptionForVersion(buildSubscriptionObject(record), '2025-03-31.basil')).not.toHaveProperty('current_period_end');
  });
});
