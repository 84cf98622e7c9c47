import { z } from 'zod';
import { ADJUSTABLE_QUANTITY_DEFAULTS } from '../../stripe/params/line-item-rules';
import type { SessionRecord } from '../../store/session-record';

/** The fields of a stored line item that the final quantity touches (parsed: Redis is a trust boundary). */
const itemAmountsSchema = z
  .object({
    quantity: z.number().int(),
    amount_subtotal: z.number().int(),
    amount_total: z.number().int(),
    adjustable_quantity: z.object({ enabled: z.boolean(), minimum: z.number().int().nullable(), maximum: z.number().int().nullable() }).nullable(),
    price: z.object({ unit_amount: z.number().int().nullable() }).loose(),
  })
  .loose();

export type FinalQuantity =
  /** No adjustable item: the quantities are those of the create. */
  | 'fixed'
  /** The adjustable item now carries the quantity the customer paid for. */
  | 'derived'
  /** Loops' total is not known here: the completion must wait for a report that carries it. */
  | 'unknown'
  /** Loops' total fits no quantity within the bounds: amounts follow Loops, quantities stay. */
  | 'inconsistent';

/**
 * Loops' session object reports the total paid, not its line items (docs/loops-contract.md §3.2), while the
 * customer may have changed the quantity of an `adjustable_quantity` item on the Loops page. Create
 * allows one such item (line-item-rules.ts), so the total decides it:
 *
 *   quantity = (amount_total − the other items' amounts) / the item's unit amount
 *
 * The stored session, the item and its amounts are updated together, so retrieve, the line item
 * list and the `checkout.session.completed` event all show what was bought. A total that no
 * quantity within the bounds explains is kept as the session's amount (it is what was charged) and
 * the quantities are left as created.
 */
export function applyFinalQuantity(record: SessionRecord, loopsAmountTotal: number | null | undefined): FinalQuantity {
  const items = record.lineItems.map((item) => itemAmountsSchema.safeParse(item));
  const position = items.findIndex((parsed) => parsed.success && parsed.data.adjustable_quantity?.enabled === true);
  const adjustable = position === -1 ? undefined : items[position]?.data;
  if (!adjustable) return 'fixed';
  if (loopsAmountTotal === null || loopsAmountTotal === undefined) return 'unknown';
  const others = items.reduce((sum, parsed, i) => (i === position ? sum : sum + (parsed.data?.amount_total ?? 0)), 0);
  const quantity = quantityFor(loopsAmountTotal - others, adjustable.price.unit_amount ?? 0, adjustable.adjustable_quantity);
  record.session.amount_total = loopsAmountTotal;
  record.session.amount_subtotal = loopsAmountTotal;
  if (quantity === undefined) return 'inconsistent';
  const item = record.lineItems[position];
  if (!item) return 'inconsistent';
  const amount = quantity * (adjustable.price.unit_amount ?? 0);
  Object.assign(item, { quantity, amount_subtotal: amount, amount_total: amount });
  return 'derived';
}

function quantityFor(amount: number, unitAmount: number, bounds: { minimum: number | null; maximum: number | null } | null): number | undefined {
  if (unitAmount <= 0 || amount < 0 || amount % unitAmount !== 0) return undefined;
  const quantity = amount / unitAmount;
  const minimum = bounds?.minimum ?? ADJUSTABLE_QUANTITY_DEFAULTS.minimum;
  const maximum = bounds?.maximum ?? ADJUSTABLE_QUANTITY_DEFAULTS.maximum;
  return quantity >= minimum && quantity <= maximum ? quantity : undefined;
}
