import type Stripe from 'stripe';
import type { MappingFile } from '../../src/mappings/mapping-file';
import { GLOBEX, startCatalogApp } from './catalog-app';

/** 23 prices: 20 monthly USD plans, a JPY one-time price, an inactive price and a yearly plan. */
function importedCatalog(): MappingFile {
  const file: MappingFile = { version: 1, prices: {}, products: {} };
  for (let i = 0; i < 20; i++) {
    file.prices[`price_plan_${String(i).padStart(2, '0')}`] = {
      loopsProductId: `prod_loops_plan_${i}`,
      loopsPriceId: `price_loops_plan_${i}`,
      stripeProductId: 'prod_plans',
      productName: 'Plans',
      currency: 'usd',
      unitAmount: 1000 + i,
      recurring: { interval: 'month', intervalCount: 1 },
      created: 1_700_000_100 + i,
    };
  }
  file.prices.price_tea = {
    loopsProductId: 'prod_loops_tea',
    stripeProductId: 'prod_tea',
    productName: 'Tea set',
    currency: 'jpy',
    unitAmount: 3500,
    recurring: null,
    lookupKey: 'tea',
    nickname: 'Tea',
    metadata: { shelf: 'b2' },
    created: 1_700_000_050,
  };
  file.prices.price_old = { ...file.prices.price_tea, lookupKey: null, active: false, created: 1_700_000_010 };
  file.prices.price_yearly = {
    loopsProductId: 'prod_loops_yearly',
    stripeProductId: 'prod_unlisted',
    productName: 'Yearly (no product entry)',
    currency: 'usd',
    unitAmount: 9000,
    recurring: { interval: 'year', intervalCount: 1 },
    created: 1_700_000_001,
  };
  file.products.prod_plans = {
    name: 'Plans',
    description: 'Monthly plans',
    images: ['https://img.example.com/p.png'],
    defaultPriceId: 'price_plan_00',
  };
  file.products.prod_tea = {
    name: 'Tea set',
    description: null,
    metadata: { origin: 'uji' },
    unitLabel: 'box',
    type: 'good',
    statementDescriptor: 'UJI TEA',
    created: 1_700_000_000,
    updated: 1_700_000_500,
  };
  file.prices.price_plan_00 = { ...file.prices.price_plan_00!, trialPeriodDays: 14 };
  // Its default price was skipped by the mapping tool (tiered): the gateway cannot serve it.
  file.products.prod_usage = { name: 'API calls', defaultPriceId: 'price_tiered_not_mapped' };
  return file;
}

describe('catalog routes (stripe-node): prices and products from the imported mappings', () => {
  let app: Awaited<ReturnType<typeof startCatalogApp>>;
  let stripe: Stripe;

  beforeAll(async () => {
    app = await startCatalogApp(importedCatalog());
    stripe = app.stripe();
  });
  afterAll(() => app.close());

  it('prices.retrieve answers a Stripe price object, product expandable', async () => {
    const price = await stripe.prices.retrieve('price_tea');
    expect(price).toMatchObject({
      id: 'price_tea',
      object: 'price',
      active: true,
      currency: 'jpy',
      unit_amount: 3500,
      type: 'one_time',
      recurring: null,
      product: 'prod_tea',
      lookup_key: 'tea',
      nickname: 'Tea',
      metadata: { shelf: 'b2' },
      livemode: false,
      billing_scheme: 'per_unit',
    });
    expect(String(price.unit_amount_decimal)).toBe('3500');
    const expanded = await stripe.prices.retrieve('price_plan_03', { expand: ['product'] });
    expect(expanded.recurring).toMatchObject({ interval: 'month', interval_count: 1, usage_type: 'licensed' });
    expect(expanded.product).toMatchObject({ id: 'prod_plans', object: 'product', name: 'Plans', default_price: 'price_plan_00' });
  });

  it('unknown ids are 404 resource_missing, as Stripe answers them', async () => {
    const missing = { type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' };
    await expect(stripe.prices.retrieve('price_nope')).rejects.toMatchObject({ ...missing, message: "No such price: 'price_nope'" });
    await expect(stripe.products.retrieve('prod_nope')).rejects.toMatchObject({ ...missing, message: "No such product: 'prod_nope'" });
    // Another tenant's catalog is not visible.
    await expect(app.stripe(GLOBEX).prices.retrieve('price_tea')).rejects.toMatchObject(missing);
  });

  it('prices.list auto-paginates through every active price (Stripe’s default), newest first, exactly once each', async () => {
    const ids: string[] = [];
    for await (const price of stripe.prices.list({ limit: 4 })) ids.push(price.id);
    expect(ids).toHaveLength(22);
    expect(new Set(ids).size).toBe(22);
    expect(ids.slice(0, 2)).toEqual(['price_plan_19', 'price_plan_18']);
    expect(ids.slice(-3)).toEqual(['price_plan_00', 'price_tea', 'price_yearly']);
    expect(ids).not.toContain('price_old');
    const firstPage = await stripe.prices.list();
    expect(firstPage).toMatchObject({ object: 'list', url: '/v1/prices', has_more: true });
    expect(firstPage.data).toHaveLength(10);
    const before = await stripe.prices.list({ limit: 2, ending_before: 'price_plan_15' });
    expect(before.data.map((p) => p.id)).toEqual(['price_plan_17', 'price_plan_16']);
    expect(before.has_more).toBe(true);
  });

  it('prices.list filters as Stripe does, and expands data.product', async () => {
    const ids = async (params: Stripe.PriceListParams) => (await stripe.prices.list({ limit: 100, ...params })).data.map((p) => p.id);
    expect(await ids({ active: false })).toEqual(['price_old']);
    expect(await ids({ currency: 'jpy' })).toEqual(['price_tea']);
    expect(await ids({ currency: 'jpy', active: false })).toEqual(['price_old']);
    expect(await ids({ product: 'prod_unlisted' })).toEqual(['price_yearly']);
    expect(await ids({ type: 'one_time' })).toEqual(['price_tea']);
    expect(await ids({ lookup_keys: ['tea', 'nothing'] })).toEqual(['price_tea']);
    expect(await ids({ recurring: { interval: 'year' } })).toEqual(['price_yearly']);
    expect(await ids({ created: { lt: 1_700_000_020 } })).toEqual(['price_yearly']);
    const withProducts = await stripe.prices.list({ currency: 'jpy', expand: ['data.product'] });
    expect(withProducts.data[0]?.product).toMatchObject({ object: 'product', id: 'prod_tea', unit_label: 'box', metadata: { origin: 'uji' } });
  });

  it('products.retrieve answers a product, with default_price expandable, also when only a price entry describes it', async () => {
    const plans = await stripe.products.retrieve('prod_plans', { expand: ['default_price'] });
    expect(plans).toMatchObject({ id: 'prod_plans', object: 'product', description: 'Monthly plans', images: ['https://img.example.com/p.png'] });
    expect(plans.default_price).toMatchObject({ object: 'price', id: 'price_plan_00', unit_amount: 1000 });
    expect(await stripe.products.retrieve('prod_unlisted')).toMatchObject({ id: 'prod_unlisted', name: 'Yearly (no product entry)' });
  });

  it('echoes what the mapping file carries: product type, statement descriptor, updated; trial days', async () => {
    expect(await stripe.products.retrieve('prod_tea')).toMatchObject({
      type: 'good',
      statement_descriptor: 'UJI TEA',
      created: 1_700_000_000,
      updated: 1_700_000_500,
    });
    // A product entry without them: Stripe's defaults, `updated` = `created`.
    expect(await stripe.products.retrieve('prod_plans')).toMatchObject({ type: 'service', statement_descriptor: null });
    expect((await stripe.prices.retrieve('price_plan_00')).recurring).toMatchObject({ interval: 'month', trial_period_days: 14 });
    expect((await stripe.prices.retrieve('price_plan_01')).recurring).toMatchObject({ trial_period_days: null });
  });

  it('default_price names only a price the gateway serves (not one the mapping tool skipped)', async () => {
    expect(await stripe.products.retrieve('prod_usage')).toMatchObject({ id: 'prod_usage', default_price: null });
    expect(await stripe.products.retrieve('prod_usage', { expand: ['default_price'] })).toMatchObject({ default_price: null });
    expect(await stripe.products.retrieve('prod_plans')).toMatchObject({ default_price: 'price_plan_00' });
  });

  it('prices.search and products.search answer from the imported catalog, paging with next_page', async () => {
    const found = await stripe.prices.search({ query: "currency:'jpy' AND active:'false'" });
    expect(found).toMatchObject({ object: 'search_result', url: '/v1/prices/search', has_more: false, next_page: null });
    expect(found.data.map((p) => p.id)).toEqual(['price_old']);
    // Space-separated clauses are ANDed, as Stripe's query language has it (documenso's query).
    expect((await stripe.prices.search({ query: "active:'true' type:'recurring'", limit: 100 })).data).toHaveLength(21);
    const all: string[] = [];
    for await (const price of stripe.prices.search({ query: "product:'prod_plans'", limit: 7 })) all.push(price.id);
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
    const products = await stripe.products.search({ query: "metadata['origin']:'uji'" });
    expect(products.data.map((p) => p.id)).toEqual(['prod_tea']);
    await expect(stripe.prices.search({ query: "nickname:'Tea'" })).rejects.toMatchObject({ statusCode: 400, param: 'query' });
  });

  it('bad parameters get Stripe 400s that name them', async () => {
    const invalid = { type: 'StripeInvalidRequestError', statusCode: 400 };
    await expect(stripe.prices.list({ limit: 1000 })).rejects.toMatchObject({ ...invalid, param: 'limit' });
    await expect(stripe.prices.list({ starting_after: 'price_nope' })).rejects.toMatchObject({
      ...invalid,
      code: 'resource_missing',
      param: 'starting_after',
    });
    await expect(stripe.prices.list({ expand: ['data.tiers'] })).rejects.toMatchObject({ ...invalid, param: 'expand' });
    await expect(stripe.prices.retrieve('price_tea', { foo: 'bar' } as Stripe.PriceRetrieveParams)).rejects.toMatchObject({
      ...invalid,
      code: 'parameter_unknown',
    });
  });
});
