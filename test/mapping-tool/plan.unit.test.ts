import { createCatalogBuilder } from '../../src/mapping-tool/catalog/catalog';
import { preparePlan, resolvePlan } from '../../src/mapping-tool/plan/plan';
import type { LoopsV3Product } from '../../src/loops/loops-schemas';
import { emptyMappingFile } from '../../src/mappings/mapping-file';
import { stripePrice, stripeProduct } from '../helpers/stripe-catalog-fixtures';

const catalog = () => {
  const builder = createCatalogBuilder();
  builder.addProduct(stripeProduct('prod_a', 'A'));
  for (const id of ['price_keep', 'price_link', 'price_dupe', 'price_clash', 'price_new']) builder.addPrice(stripePrice(id, 'prod_a', 1000, 'usd'));
  builder.addPrice(stripePrice('price_weekly', 'prod_a', 1000, 'usd', { recurring: { interval: 'week' } }));
  return builder.build();
};

const loopsProduct = (id: string, priceId: string, amount = '1000', currency = 'USD'): LoopsV3Product => ({
  id,
  name: 'A',
  default_price: `${id}_price`,
  priceAmount: amount,
  priceCurrency: currency,
  recurringInterval: null,
  active: true,
  metadata: { stripe_price_id: priceId },
});

describe('the plan: keep, link, create, skip — never a second product for a price', () => {
  const file = emptyMappingFile();
  file.prices.price_keep = { loopsProductId: 'prod_hand', productName: 'By hand', currency: 'usd', unitAmount: 999, recurring: null };
  const loops = new Map([
    ['price_link', [loopsProduct('prod_l', 'price_link')]],
    ['price_dupe', [loopsProduct('prod_wrong', 'price_dupe', '5'), loopsProduct('prod_d1', 'price_dupe'), loopsProduct('prod_d2', 'price_dupe')]],
    ['price_clash', [loopsProduct('prod_c', 'price_clash', '1000', 'EUR')]],
  ]);
  const prepared = preparePlan(catalog(), file, false);
  const items = resolvePlan(prepared, { find: (id) => loops.get(id) ?? [] });
  const byId = Object.fromEntries(items.map((item) => [item.priceId, item]));

  it('keeps what the mapping file has, and notes when it disagrees with Stripe', () => {
    expect(byId.price_keep).toMatchObject({ action: 'keep', entry: { loopsProductId: 'prod_hand' } });
    expect(byId.price_keep && 'notes' in byId.price_keep && byId.price_keep.notes).toEqual(['the mapping file says 9.99 USD, Stripe says 10.00 USD']);
  });

  it('links the Loops product tagged with the price, with its default_price', () => {
    expect(byId.price_link).toMatchObject({ action: 'link', entry: { loopsProductId: 'prod_l', loopsPriceId: 'prod_l_price', unitAmount: 1000 } });
  });

  it('links the first matching product among several and says there are duplicates', () => {
    expect(byId.price_dupe).toMatchObject({ action: 'link', entry: { loopsProductId: 'prod_d1' } });
    expect(byId.price_dupe && 'notes' in byId.price_dupe && byId.price_dupe.notes[0]).toContain(
      '3 Loops products are tagged stripe_price_id=price_dupe',
    );
  });

  it('fails a price whose tagged Loops product charges something else, instead of creating another', () => {
    expect(byId.price_clash).toMatchObject({ action: 'fail', reason: expect.stringContaining('prod_c: currency EUR instead of USD') });
  });

  it('creates the rest and skips what Loops cannot represent', () => {
    expect(byId.price_new).toMatchObject({ action: 'create', label: 'A · 10.00 USD' });
    expect(byId.price_weekly).toMatchObject({ action: 'skip', code: 'interval' });
    expect(prepared.products.prod_a).toMatchObject({ name: 'A', description: 'A description' });
  });
});
