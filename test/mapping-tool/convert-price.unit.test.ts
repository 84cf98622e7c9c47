import { createCatalogBuilder } from '../../src/mapping-tool/catalog/catalog';
import { convertPrice, productInfoOf } from '../../src/mapping-tool/convert/convert-price';
import { formatMoney } from '../../src/mapping-tool/convert/loops-money';
import { skipReasonFor } from '../../src/mapping-tool/convert/skip-reasons';
import { mixedCatalog } from '../helpers/mapping-catalogs';
import { stripePrice, stripeProduct } from '../helpers/stripe-catalog-fixtures';

function catalogOf(products: Record<string, unknown>[], prices: Record<string, unknown>[]) {
  const builder = createCatalogBuilder();
  products.forEach(builder.addProduct);
  prices.forEach(builder.addPrice);
  return builder.build();
}

describe('Stripe price → Loops product', () => {
  const mixed = mixedCatalog();
  const catalog = catalogOf(mixed.products, mixed.prices);
  const price = (id: string) => {
    const found = catalog.prices.find((p) => p.id === id);
    if (!found) throw new Error(`no ${id}`);
    return found;
  };

  it.each(Object.entries(mixed.skipped))('skips %s as %s, with a reason', (id, code) => {
    const reason = skipReasonFor(price(id), catalog, false);
    expect(reason?.code).toBe(code);
    expect(reason?.reason.length).toBeGreaterThan(20);
  });

  it('says what each unsupported kind is, in words a merchant acts on', () => {
    const reason = (id: string) => skipReasonFor(price(id), catalog, false)?.reason;
    expect(reason('price_weekly')).toBe('bills every week: Loops recurs monthly or yearly only');
    expect(reason('price_quarterly')).toBe('bills every 3 months: Loops recurs every month or every year only');
    expect(reason('price_package')).toContain('transform_quantity divide_by 10');
    expect(reason('price_fraction')).toContain('unit_amount_decimal 1250.5');
    expect(reason('price_retired')).toContain('--include-inactive');
    expect(reason('price_kwd_odd')).toBe(
      '5.125 KWD: Stripe charges KWD only in steps of 10 minor units (0.010 KWD), so this price cannot be charged as it stands; round it in Stripe, then map it',
    );
    expect(reason('price_isk_odd')).toContain('Stripe charges ISK only in steps of 100 minor units');
  });

  it('keeps the trial days in the entry, and maps every 12 months to a yearly product', () => {
    const c = catalogOf(
      [stripeProduct('prod_m', 'M')],
      [
        stripePrice('price_12m', 'prod_m', 12000, 'usd', { recurring: { interval: 'month', interval_count: 12, trial_period_days: 7 } }),
        stripePrice('price_24m', 'prod_m', 24000, 'usd', { recurring: { interval: 'month', interval_count: 24 } }),
        stripePrice('price_2y', 'prod_m', 24000, 'usd', { recurring: { interval: 'year', interval_count: 2 } }),
      ],
    );
    const [twelve, twentyFour, twoYears] = c.prices;
    const product = c.products.get('prod_m');
    if (!twelve || !twentyFour || !twoYears || !product) throw new Error('catalog');
    expect(skipReasonFor(twelve, c, false)).toBeUndefined();
    const { body, draft, notes } = convertPrice(twelve, product);
    expect(body.recurringInterval).toBe('year');
    expect(draft).toMatchObject({ recurring: { interval: 'year', intervalCount: 1 }, trialPeriodDays: 7 });
    expect(notes).toContain('bills every 12 months: mapped to a yearly Loops product (the same billing dates)');
    expect(skipReasonFor(twentyFour, c, false)?.code).toBe('interval_count');
    expect(skipReasonFor(twoYears, c, false)?.code).toBe('interval_count');
  });

  it('copies the product type, statement descriptor and updated time into the file', () => {
    const c = catalogOf([stripeProduct('prod_g', 'G', { type: 'good', statement_descriptor: 'ACME GOODS', updated: 1_800_000_000 })], []);
    const product = c.products.get('prod_g');
    if (!product) throw new Error('catalog');
    expect(productInfoOf(product)).toMatchObject({ type: 'good', statementDescriptor: 'ACME GOODS', updated: 1_800_000_000 });
  });

  it.each(Object.entries(mixed.mappable))('maps %s to minor units in its own currency', (id, expected) => {
    expect(skipReasonFor(price(id), catalog, false)).toBeUndefined();
    const product = catalog.products.get(price(id).productId);
    if (!product) throw new Error('no product');
    const { body, draft } = convertPrice(price(id), product);
    expect(body).toMatchObject({ amountType: 'FIXED', priceAmount: expected.amount, priceCurrency: expected.currency });
    expect(body.recurringInterval).toBe(expected.interval ?? undefined);
    expect(body.metadata).toEqual({ stripe_price_id: id, stripe_product_id: product.id });
    expect(draft).toMatchObject({ unitAmount: expected.amount, currency: expected.currency, stripeProductId: product.id });
  });

  it('formats zero-, two- and three-decimal currencies for people', () => {
    expect(formatMoney(3500, 'jpy')).toBe('3500 JPY');
    expect(formatMoney(2000, 'usd')).toBe('20.00 USD');
    expect(formatMoney(5125, 'kwd')).toBe('5.125 KWD');
  });

  it('copies name, description and at most 8 http(s) images; notes what Loops cannot carry', () => {
    const images = Array.from({ length: 10 }, (_, i) => `https://img.example.com/${i}.png`);
    const c = catalogOf(
      [stripeProduct('prod_x', 'Gadget', { images: ['ftp://nope', ...images], unit_label: 'piece' })],
      [
        stripePrice('price_x', 'prod_x', 1234, 'eur', {
          currency_options: { eur: {}, gbp: {} },
          recurring: { interval: 'month', trial_period_days: 14 },
        }),
      ],
    );
    const [p] = c.prices;
    const product = c.products.get('prod_x');
    if (!p || !product) throw new Error('catalog');
    const { body, notes } = convertPrice(p, product);
    expect(body).toMatchObject({ name: 'Gadget', description: 'Gadget description', unit_label: 'piece', recurringInterval: 'month' });
    expect(body.images).toEqual(images.slice(0, 8));
    expect(notes).toEqual([
      'currency_options (gbp) not copied: a Loops product has one currency',
      'trial_period_days 14 not sent to Loops (it has no trials); kept in the mapping file for GET /v1/prices',
    ]);
  });

  it('takes the amount from an integral unit_amount_decimal, and maps inactive prices only when asked', () => {
    const c = catalogOf(
      [stripeProduct('prod_y', 'Y')],
      [stripePrice('price_y', 'prod_y', null, 'usd', { unit_amount_decimal: '1500.000', active: false })],
    );
    const [p] = c.prices;
    const product = c.products.get('prod_y');
    if (!p || !product) throw new Error('catalog');
    expect(skipReasonFor(p, c, false)?.code).toBe('inactive_price');
    expect(skipReasonFor(p, c, true)).toBeUndefined();
    expect(convertPrice(p, product).body.priceAmount).toBe(1500);
  });

  it('skips prices whose product is missing or deleted', () => {
    const c = catalogOf(
      [],
      [
        stripePrice('price_z', 'prod_gone', 100),
        stripePrice('price_d', 'prod_x', 100, 'usd', { product: { id: 'prod_del', object: 'product', deleted: true } }),
      ],
    );
    expect(c.prices.map((p) => skipReasonFor(p, c, false)?.code)).toEqual(['product_missing', 'product_deleted']);
  });
});
