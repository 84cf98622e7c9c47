import type { LoopsV3CreateProductBody } from '../../loops/loops-schemas';
import type { MappingEntry, MappingFile, ProductInfo } from '../../mappings/mapping-file';
import type { Catalog } from '../catalog/catalog';
import { convertPrice, productInfoOf, type ConvertedPrice, type EntryDraft } from '../convert/convert-price';
import { formatMoney } from '../convert/loops-money';
import { skipReasonFor, unitAmountOf, type SkipCode } from '../convert/skip-reasons';
import { decideLink } from '../loops/match-loops-product';
import { entryFromLoops } from './entry-from-loops';

export type PlanItem =
  | { action: 'keep'; priceId: string; entry: MappingEntry; notes: string[] }
  | { action: 'link'; priceId: string; entry: MappingEntry; notes: string[] }
  | { action: 'create'; priceId: string; body: LoopsV3CreateProductBody; draft: EntryDraft; label: string; notes: string[] }
  | { action: 'skip'; priceId: string; code: SkipCode; reason: string }
  | { action: 'fail'; priceId: string; reason: string };

/** Prices to map, before Loops was asked which of them it already has. */
export interface PreparedPlan {
  settled: PlanItem[];
  candidates: { priceId: string; converted: ConvertedPrice }[];
  products: Record<string, ProductInfo>;
}

export interface LoopsLookup {
  find(stripePriceId: string): Parameters<typeof decideLink>[0];
}

/**
 * Step one, without Loops: keep what the mapping file already maps (it is the merchant's source
 * of truth, docs/mappings.md "The mapping file and Redis"), skip what Loops cannot represent, convert the rest.
 */
export function preparePlan(catalog: Catalog, existing: MappingFile, includeInactive: boolean): PreparedPlan {
  const settled: PlanItem[] = catalog.unreadable.map(({ id, problem }) => ({
    action: 'skip' as const,
    priceId: id,
    code: 'unreadable' as const,
    reason: `could not read it: ${problem}`,
  }));
  const candidates: PreparedPlan['candidates'] = [];
  for (const price of catalog.prices) {
    const entry = existing.prices[price.id];
    if (entry) {
      const stripeAmount = unitAmountOf(price);
      const differs = entry.currency !== price.currency || entry.unitAmount !== stripeAmount;
      const notes = differs
        ? [`the mapping file says ${formatMoney(entry.unitAmount, entry.currency)}, Stripe says ${formatMoney(stripeAmount, price.currency)}`]
        : [];
      settled.push({ action: 'keep', priceId: price.id, entry, notes });
      continue;
    }
    const reason = skipReasonFor(price, catalog, includeInactive);
    const product = catalog.products.get(price.productId);
    if (reason || !product) {
      settled.push({ action: 'skip', priceId: price.id, code: reason?.code ?? 'product_missing', reason: reason?.reason ?? 'no product' });
      continue;
    }
    candidates.push({ priceId: price.id, converted: convertPrice(price, product) });
  }
  const products: Record<string, ProductInfo> = {};
  for (const [id, product] of catalog.products) products[id] = productInfoOf(product);
  return { settled, candidates, products };
}

/** Step two: link the Loops products already made for a price (`metadata.stripe_price_id`), create the rest. */
export function resolvePlan(prepared: PreparedPlan, loops: LoopsLookup): PlanItem[] {
  const resolved = prepared.candidates.map(({ priceId, converted }): PlanItem => {
    const { draft, body, notes } = converted;
    const decision = decideLink(loops.find(priceId), draft, priceId);
    switch (decision.kind) {
      case 'link':
        return { action: 'link', priceId, entry: entryFromLoops(draft, decision.product), notes: [...notes, ...decision.notes] };
      case 'conflict':
        return { action: 'fail', priceId, reason: decision.reason };
      case 'none':
        return { action: 'create', priceId, body, draft, label: describeDraft(draft), notes };
    }
  });
  return [...prepared.settled, ...resolved];
}

export function describeDraft(draft: EntryDraft): string {
  const every = draft.recurring ? ` / ${draft.recurring.interval}` : '';
  return `${draft.productName} · ${formatMoney(draft.unitAmount, draft.currency)}${every}`;
}
