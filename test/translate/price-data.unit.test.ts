import { isGatewayError } from '../../src/errors';
import { convertPrice } from '../../src/mapping-tool/convert/convert-price';
import { describePriceData, loopsProductBodyFor, loopsRecurringInterval } from '../../src/translate/price-data';

/**
 * One Loops product builder and one interval rule (issue 11): checkout's `price_data` makes the
 * same Loops product the mapping tool makes for the same price, and every 12 months is yearly in both.
 */
describe('price_data and the mapping tool build Loops products alike', () => {
  const data = {
    currency: 'usd',
    unit_amount: 12_000,
    recurring: { interval: 'month' as const, interval_count: 12 },
    product_data: { name: 'Annual' },
  };

  it('a price billed every 12 months is a yearly Loops product, as the mapping tool maps it', () => {
    const described = describePriceData('acme', data, 'line_items[0][price_data]', undefined);
    const body = loopsProductBodyFor(described.price, described.product, described.contentHash, 'line_items[0][price_data]');
    // Shown on the Stripe side as Loops bills it, as the mapping tool records it.
    expect(described.price.recurring).toEqual({ interval: 'year', intervalCount: 1 });
    expect(body).toMatchObject({ recurringInterval: 'year', priceAmount: 12_000, priceCurrency: 'usd', amountType: 'FIXED', name: 'Annual' });

    const mapped = convertPrice(
      {
        id: described.price.id,
        object: 'price',
        productId: described.product.id,
        active: true,
        currency: 'usd',
        unit_amount: 12_000,
        recurring: { interval: 'month', interval_count: 12 },
        metadata: {},
      },
      { id: described.product.id, object: 'product', active: true, name: 'Annual', metadata: {} },
    );
    // The same product, but for the content tag checkout adds to find it again.
    const { gateway_price_data: tag, ...metadata } = body.metadata ?? {};
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    expect({ ...body, metadata }).toEqual(mapped.body);
    expect(described.price.recurring).toEqual(mapped.draft.recurring);
  });

  it('refuses what neither can bill, naming the parameter', () => {
    expect(loopsRecurringInterval({ interval: 'month', intervalCount: 1 }, 'p')).toBe('month');
    for (const recurring of [
      { interval: 'week' as const, intervalCount: 1 },
      { interval: 'month' as const, intervalCount: 3 },
      { interval: 'year' as const, intervalCount: 2 },
    ]) {
      let error: unknown;
      try {
        loopsRecurringInterval(recurring, 'line_items[0][price_data][recurring]');
      } catch (caught) {
        error = caught;
      }
      expect(isGatewayError(error) && error.param === 'line_items[0][price_data][recurring]').toBe(true);
    }
  });
});
