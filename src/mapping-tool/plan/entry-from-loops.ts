import type { LoopsV3Product } from '../../loops/loops-schemas';
import type { MappingEntry } from '../../mappings/mapping-file';
import type { EntryDraft } from '../convert/convert-price';

/**
 * A mapping entry for a Loops product made (or found) for a Stripe price. `loopsPriceId` is the
 * product's `default_price` (§3.3), which the gateway sends as V3 `line_items[].price` (§7.3).
 */
export function entryFromLoops(draft: EntryDraft, product: LoopsV3Product): MappingEntry {
  return {
    loopsProductId: product.id,
    ...(product.default_price ? { loopsPriceId: product.default_price } : {}),
    ...draft,
  };
}
