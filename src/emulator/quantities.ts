import { badRequest } from './errors';
import { checkedTotal } from './session-factory';
import type { LineItemRecord, SessionRecord } from './state';

/**
 * Adjustable quantities on the hosted page (docs/loops-contract.md §3.2 `adjustable_quantity`). The contract
 * leaves the bounds' defaults open; the emulator follows Stripe's [chosen]: minimum 0 (1 when the
 * item is the session's only one, which could otherwise be emptied) and maximum 99.
 */
const ADJUSTABLE_DEFAULTS = { minimum: 0, maximum: 99 } as const;

interface QuantityBounds {
  minimum: number;
  maximum: number;
}

/** The bounds the customer may choose within, or undefined when the item's quantity is fixed. */
export function quantityBounds(session: SessionRecord, item: LineItemRecord): QuantityBounds | undefined {
  const adjustable = item.adjustableQuantity;
  if (!adjustable?.enabled) return undefined;
  const floor = session.lineItems.length === 1 ? 1 : 0;
  return {
    minimum: Math.max(adjustable.minimum ?? ADJUSTABLE_DEFAULTS.minimum, floor),
    maximum: adjustable.maximum ?? ADJUSTABLE_DEFAULTS.maximum,
  };
}

/** The form field of line item `index` on the hosted page. */
export const quantityField = (index: number): string => `quantity_${index}`;

/**
 * Applies the quantities a customer chose (form fields `quantity_<index>`) before paying: only
 * adjustable items change, each within its bounds, and the session total follows, so the V3
 * `amount_total`, the V2 `amount` and the charge all report what was paid. A bad value is a 400
 * and changes nothing.
 */
export function applyChosenQuantities(session: SessionRecord, form: URLSearchParams): void {
  const chosen = session.lineItems.map((item, index) => {
    const bounds = quantityBounds(session, item);
    const raw = form.get(quantityField(index));
    if (!bounds || raw === null || raw.trim() === '') return item.quantity;
    const quantity = /^\d{1,6}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (!(quantity >= bounds.minimum && quantity <= bounds.maximum)) {
      throw badRequest(`quantity of ${item.productName} must be a whole number from ${bounds.minimum} to ${bounds.maximum}`, 'invalid_quantity');
    }
    return quantity;
  });
  const items = session.lineItems.map((item, index) => ({ ...item, quantity: chosen[index] ?? item.quantity }));
  const amount = checkedTotal(items);
  session.lineItems = items;
  session.amount = amount;
}
