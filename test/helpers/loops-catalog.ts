import type { MappingFile } from '../../src/mappings/mapping-file';

export interface CatalogPrice {
  stripePriceId: string;
  stripeProductId?: string;
  name: string;
  unitAmount: number;
  currency: string;
  recurring?: 'month' | 'year';
}

/**
 * Creates real Loops products (through the Loops API of the emulator) and returns the mapping file
 * that points the given Stripe prices at them, as `npm run map` would.
 */
export async function createLoopsCatalog(loopsUrl: string, loopsKey: string, prices: CatalogPrice[]): Promise<MappingFile> {
  const file: MappingFile = { version: 1, prices: {}, products: {} };
  for (const price of prices) {
    const response = await fetch(`${loopsUrl}/api/v3/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${loopsKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: price.name,
        amountType: 'FIXED',
        priceAmount: price.unitAmount,
        priceCurrency: price.currency,
        ...(price.recurring ? { recurringInterval: price.recurring } : {}),
        metadata: { stripe_price_id: price.stripePriceId },
      }),
    });
    if (!response.ok) throw new Error(`could not create Loops product: ${response.status} ${await response.text()}`);
    const product = (await response.json()) as { id: string; default_price: string };
    const stripeProductId = price.stripeProductId ?? `prod_${price.stripePriceId.slice(6)}`;
    file.prices[price.stripePriceId] = {
      loopsProductId: product.id,
      loopsPriceId: product.default_price,
      stripeProductId,
      productName: price.name,
      currency: price.currency,
      unitAmount: price.unitAmount,
      recurring: price.recurring ? { interval: price.recurring, intervalCount: 1 } : null,
    };
    file.products[stripeProductId] = { name: price.name, description: `${price.name} description` };
  }
  return file;
}
