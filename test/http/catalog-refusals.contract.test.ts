import type Stripe from 'stripe';
import { useStack } from '../helpers/stack';
import { storedStateProbe } from '../helpers/stored-state';

/**
 * Catalog creates and updates the gateway refuses (issue 11): Stripe's own rules and prices Loops
 * cannot represent, each a 400 naming the parameter, and nothing stored — in Redis or in Loops.
 */
describe('catalog refusals (stripe-node)', () => {
  let stripe: Stripe;

  // No background work: the delivery worker's stalled-job check rewrites a queue key every 5 s,
  // which the Redis snapshots below would see as a change.
  const stack = useStack({ background: false });
  beforeAll(() => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });

  describe('a clear 400 naming the parameter, and nothing stored', () => {
    let probe: ReturnType<typeof storedStateProbe>;
    let product: Stripe.Product;
    beforeAll(async () => {
      product = await stripe.products.create({ name: 'Refusals' });
      probe = storedStateProbe(stack);
    });
    afterAll(() => probe.close());

    it.each([
      ['a weekly price', { recurring: { interval: 'week' } }, 'recurring[interval]', /Loops recurs monthly or yearly only/],
      ['every 3 months', { recurring: { interval: 'month', interval_count: 3 } }, 'recurring[interval_count]', /every month or every year/],
      ['metered usage', { recurring: { interval: 'month', usage_type: 'metered' } }, 'recurring[usage_type]', /metered/],
      ['a fraction of a cent', { unit_amount: undefined, unit_amount_decimal: '12.5' }, 'unit_amount_decimal', /not a whole number of minor units/],
      ['tiers', { unit_amount: undefined, billing_scheme: 'tiered', tiers_mode: 'volume' }, 'tiers_mode', /tiered pricing/],
      ['package pricing', { transform_quantity: { divide_by: 10, round: 'up' } }, 'transform_quantity', /package pricing/],
      ['a customer-chosen amount', { unit_amount: undefined, custom_unit_amount: { enabled: true } }, 'custom_unit_amount', /customer chooses/],
      ['other currencies', { currency_options: { eur: { unit_amount: 900 } } }, 'currency_options', /one currency/],
      ['KWD not in steps of 10', { currency: 'kwd', unit_amount: 5125 }, 'unit_amount', /steps of 10/],
    ] as const)('%s', async (_what, extra, param, reason) => {
      const before = await probe.snapshot();
      const created = (await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated;
      const params = { product: product.id, unit_amount: 1000, currency: 'usd', ...extra } as unknown as Stripe.PriceCreateParams;
      await expect(stripe.prices.create(params)).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        statusCode: 400,
        param,
        message: expect.stringMatching(reason),
      });
      expect(await probe.changesSince(before)).toEqual([]);
      expect((await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated).toBe(created);
    });

    it('Stripe’s own rules: exclusive and missing parameters, unknown product, updates Stripe forbids', async () => {
      const before = await probe.snapshot();
      const invalid = { type: 'StripeInvalidRequestError', statusCode: 400 };
      await expect(
        stripe.prices.create({
          product: product.id,
          unit_amount: 5,
          unit_amount_decimal: '5',
          currency: 'usd',
        } as unknown as Stripe.PriceCreateParams),
      ).rejects.toMatchObject({
        ...invalid,
        code: 'parameters_exclusive',
      });
      await expect(stripe.prices.create({ product: product.id, currency: 'usd' })).rejects.toMatchObject({
        ...invalid,
        code: 'parameter_missing',
        param: 'unit_amount',
      });
      await expect(stripe.prices.create({ unit_amount: 5, currency: 'usd' } as Stripe.PriceCreateParams)).rejects.toMatchObject({
        ...invalid,
        param: 'product',
      });
      await expect(stripe.prices.create({ product: 'prod_nope', unit_amount: 5, currency: 'usd' })).rejects.toMatchObject({
        ...invalid,
        code: 'resource_missing',
        param: 'product',
      });
      await expect(stripe.products.create({} as Stripe.ProductCreateParams)).rejects.toMatchObject({
        ...invalid,
        code: 'parameter_missing',
        param: 'name',
      });
      // Amounts and currency cannot change, as Stripe refuses it: unknown update parameters.
      for (const change of [{ unit_amount: 5 }, { currency: 'eur' }, { recurring: { interval: 'year' } }]) {
        await expect(stripe.prices.update('price_tshirt', change as Stripe.PriceUpdateParams)).rejects.toMatchObject({
          ...invalid,
          code: 'parameter_unknown',
          param: Object.keys(change)[0],
        });
      }
      await expect(stripe.prices.update('price_nope', { active: false })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
      expect(await probe.changesSince(before)).toEqual([]);
    });
  });
});
