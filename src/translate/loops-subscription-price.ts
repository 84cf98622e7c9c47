import type { LoopsV3Subscription } from '../loops/loops-schemas';
import { fromLoopsV3Amount } from '../loops/v3-amounts';
import { buildPriceObject } from '../stripe/objects/price-object';
import { storedPriceSchema, type StoredPrice } from '../store/subscription-record';

/** A price from Loops' own figures: what one unit costs each interval. */
export function priceFromLoopsSubscription(loops: LoopsV3Subscription): StoredPrice {
  const currency = loops.currency.toLowerCase();
  const unitAmount = Math.round(fromLoopsV3Amount(loops.amount, currency) / loops.quantity);
  return storedPriceSchema.parse(
    buildPriceObject(
      {
        id: loops.price ?? loops.productId,
        productId: loops.productId,
        currency,
        unitAmount,
        recurring: { interval: loops.interval, intervalCount: 1 },
        created: loops.created,
      },
      loops.livemode,
    ),
  );
}
