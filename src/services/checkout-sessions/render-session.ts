import { GatewayError } from '../../errors';
import type { SessionExpansion } from '../../stripe/expand';
import { buildListObject } from '../../stripe/objects/list-object';
import type { SessionRecord } from '../../store/session-record';

export const lineItemsUrl = (sessionId: string) => `/v1/checkout/sessions/${sessionId}/line_items`;

/** The session as Stripe returns it, with `line_items` only when expanded (stripe-surface.md §3.4). */
export function renderSession(record: SessionRecord, expansion: SessionExpansion): Record<string, unknown> {
  const session: Record<string, unknown> = { ...record.session };
  for (const field of expansion.references) {
    if (session[field] !== null && session[field] !== undefined) {
      throw new GatewayError('parameter_invalid', `The gateway cannot expand \`${field}\`: Loops does not provide that Stripe object.`, 'expand');
    }
  }
  if (expansion.lineItems) {
    // Every item, has_more false: a merchant fulfilling from the expansion never misses one.
    session.line_items = buildListObject(lineItemsUrl(record.session.id), renderLineItems(record, expansion.lineItemProducts), false);
  }
  return session;
}

export function renderLineItems(record: SessionRecord, withProducts: boolean, items = record.lineItems): Record<string, unknown>[] {
  if (!withProducts) return items;
  return items.map((item) => ({ ...item, price: { ...item.price, product: record.products[item.price.product] ?? item.price.product } }));
}
