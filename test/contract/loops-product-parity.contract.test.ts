import Stripe from 'stripe';
import type { CatalogPrice } from '../../src/mapping-tool/catalog/catalog';
import type { StripeProductJson } from '../../src/mapping-tool/catalog/stripe-catalog-schemas';
import { convertPrice } from '../../src/mapping-tool/convert/convert-price';
import { skipReasonFor } from '../../src/mapping-tool/convert/skip-reasons';
import { useStack } from '../helpers/stack';

/**
 * One Loops product builder and one interval rule (docs/loops-contract.md §3.3: a Loops product
 * recurs every month or every year): for the same Stripe price, checkout's `price_data` through the
 * gateway makes the Loops product the mapping tool makes, every 12 months is yearly in both and
 * shown so on the Stripe side, and every 3 months is refused by the one and skipped by the other.
 */
describe('the gateway and the mapping tool build the same Loops product', () => {
  let stripe: Stripe;

  const stack = useStack();
  beforeAll(() => {
    stripe = stack.stripe();
  });

  const mappingToolPrice = (id: string, productId: string, recurring: CatalogPrice['recurring']): CatalogPrice => ({
    id,
    object: 'price',
    productId,
    active: true,
    currency: 'eur',
    unit_amount: 12_000,
    recurring,
    metadata: {},
  });
  const mappingToolProduct = (id: string): StripeProductJson => ({
    id,
    object: 'product',
    active: true,
    name: 'Annual plan',
    description: 'Billed once a year',
    metadata: {},
  });

  /** The Loops product the emulator holds for a Stripe price, as the gateway made it. */
  const loopsProductOf = async (stripePriceId: string) => {
    const list = await stack.loops.api('GET', '/api/v3/products?limit=100');
    const products = list.json.data as { metadata?: Record<string, string> }[];
    const found = products.filter((product) => product.metadata?.stripe_price_id === stripePriceId);
    expect(found).toHaveLength(1);
    return found[0] as Record<string, unknown> & { metadata: Record<string, string> };
  };

  it.each([
    ['every 12 months', { interval: 'month' as const, interval_count: 12 }, 'year'],
    ['every month', { interval: 'month' as const, interval_count: 1 }, 'month'],
    ['every year', { interval: 'year' as const, interval_count: 1 }, 'year'],
  ])('%s: the same Loops body from checkout price_data as from the mapping tool', async (_name, recurring, loopsInterval) => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [
        {
          price_data: {
            currency: 'eur',
            unit_amount: 12_000,
            recurring,
            product_data: { name: 'Annual plan', description: 'Billed once a year' },
          },
          quantity: 1,
        },
      ],
      expand: ['line_items'],
    });
    const price = session.line_items?.data[0]?.price;
    if (!price) throw new Error('no line item price');
    // Stripe side: shown as Loops bills it, as the mapping tool records it (its entry's `recurring`).
    const mapped = convertPrice(
      mappingToolPrice(price.id, String(price.product), { ...recurring, usage_type: 'licensed' }),
      mappingToolProduct(String(price.product)),
    );
    expect(price.recurring).toMatchObject({ interval: loopsInterval, interval_count: 1 });
    expect({ interval: price.recurring?.interval, intervalCount: price.recurring?.interval_count }).toEqual(mapped.draft.recurring);

    // Loops side: the product the gateway made is, field for field, the one the mapping tool's
    // body makes (sent to the same Loops as the mapping tool sends it), but for checkout's content tag.
    const made = await loopsProductOf(price.id);
    expect(made.recurringInterval).toBe(loopsInterval);
    const byTool = await stack.loops.api('POST', '/api/v3/products', mapped.body);
    expect(byTool.status).toBe(200);
    const { gateway_price_data: tag, ...linkTags } = made.metadata;
    expect(tag).toMatch(/^[0-9a-f]{32}$/);
    const fields = (product: Record<string, unknown>, metadata: unknown) =>
      Object.fromEntries(Object.keys(mapped.body).map((key) => [key, key === 'metadata' ? metadata : product[key]]));
    expect(fields(made, linkTags)).toEqual(fields(byTool.json, byTool.json.metadata));
  });

  it('every 3 months: the gateway refuses the price_data, naming the parameter, and the mapping tool skips the price', async () => {
    const refused = await stripe.checkout.sessions
      .create({
        mode: 'subscription',
        line_items: [
          {
            price_data: {
              currency: 'eur',
              unit_amount: 12_000,
              recurring: { interval: 'month', interval_count: 3 },
              product_data: { name: 'Quarterly' },
            },
            quantity: 1,
          },
        ],
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((refused as Stripe.errors.StripeInvalidRequestError).param).toBe('line_items[0][price_data][recurring]');
    expect((refused as Stripe.errors.StripeInvalidRequestError).message).toMatch(/every month or every year/);

    const product = mappingToolProduct('prod_quarterly');
    const price = mappingToolPrice('price_quarterly', product.id, { interval: 'month', interval_count: 3, usage_type: 'licensed' });
    const catalog = {
      prices: [price],
      products: new Map([[product.id, product]]),
      deletedProducts: new Set<string>(),
      unreadable: [],
      standalonePrices: 1,
      productsWithDefaultPrice: 0,
    };
    expect(skipReasonFor(price, catalog, false)).toMatchObject({ code: 'interval_count' });
  });
});
