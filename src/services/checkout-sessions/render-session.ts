import { DEFAULT_STRIPE_VERSION, hostedUiMode, usesAllowedPaymentMethodTypes } from '../../stripe/api-version';
import type { SessionExpansion, SessionIdReference } from '../../stripe/expand';
import { buildListObject } from '../../stripe/objects/list-object';
import { buildReferenceStub, type ReferenceContext } from '../../stripe/objects/reference-stubs';
import type { SessionRecord, StoredSessionObject } from '../../store/session-record';

/**
 * Full objects for expanded id fields, by field and id, already rendered in the request's version:
 * the directory's customers (`expand[]=customer`), the subscription core's subscriptions
 * (`expand[]=subscription`). An id without one gets the reference stub.
 */
export type ExpandedObjects = Partial<Record<SessionIdReference, ReadonlyMap<string, Record<string, unknown>>>>;

export const lineItemsUrl = (sessionId: string) => `/v1/checkout/sessions/${sessionId}/line_items`;

/**
 * The session as Stripe returns it in `stripeVersion`, with `line_items` only when expanded
 * (docs/stripe-checkout-contract.md §3.4). The stored object is version-neutral: what differs between versions
 * is applied here, on every read (§0.9):
 * - `ui_mode`: `hosted` before 2026-03-25, `hosted_page` from then on;
 * - `allowed_payment_method_types` exists from 2026-09-30 on; earlier versions do not have the
 *   field (`payment_method_types`, present in every version, carries the same list).
 * An expanded `customer` is the full customer when the directory has it, an expanded
 * `subscription` the subscription (`expanded`).
 */
export function renderSession(
  record: SessionRecord,
  expansion: SessionExpansion,
  stripeVersion = DEFAULT_STRIPE_VERSION,
  expanded: ExpandedObjects = {},
): Record<string, unknown> {
  const session: Record<string, unknown> = { ...record.session, ui_mode: hostedUiMode(stripeVersion) };
  if (!usesAllowedPaymentMethodTypes(stripeVersion)) delete session.allowed_payment_method_types;
  for (const field of expansion.references) {
    const id = session[field];
    if (typeof id !== 'string') continue;
    // A customer of the directory expands to itself (or its deleted stub), a subscription to itself; the rest to stubs.
    session[field] = expanded[field]?.get(id) ?? buildReferenceStub(field, id, referenceContext(record.session));
  }
  if (expansion.lineItems) {
    // Every item, has_more false: a merchant fulfilling from the expansion never misses one.
    session.line_items = buildListObject(lineItemsUrl(record.session.id), renderLineItems(record, expansion.lineItemProducts), false);
  }
  return session;
}

function referenceContext(session: StoredSessionObject): ReferenceContext {
  return {
    livemode: session.livemode,
    amountTotal: session.amount_total,
    currency: session.currency,
    paid: session.payment_status === 'paid',
    customer: session.customer,
    email: session.customer_details?.email ?? session.customer_email,
    paymentMethodTypes: session.payment_method_types ?? [],
  };
}

export function renderLineItems(record: SessionRecord, withProducts: boolean, items = record.lineItems): Record<string, unknown>[] {
  if (!withProducts) return items;
  return items.map((item) => ({ ...item, price: { ...item.price, product: record.products[item.price.product] ?? item.price.product } }));
}
