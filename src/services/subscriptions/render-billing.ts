import { usesBasilBillingShapes } from '../../stripe/billing-versions';
import type { InvoiceExpansion, SubscriptionExpansion } from '../../stripe/params/billing-expand';
import { buildInvoiceObject, buildInvoicePaymentsList, shapeInvoiceForVersion } from '../../stripe/objects/invoice-object';
import { buildProductObject } from '../../stripe/objects/product-object';
import { buildReferenceStub } from '../../stripe/objects/reference-stubs';
import { buildSubscriptionObject, shapeSubscriptionForVersion } from '../../stripe/objects/subscription-object';
import type { InvoiceRecord, SubscriptionRecord } from '../../store/subscription-record';
import type { SubscriptionStore } from '../../store/subscription-store';
import { chargeObjectOfInvoice } from '../../translate/loops-charge-to-stripe';
import { UNNAMED_CHARGE_PREFIX } from '../../translate/plan-subscription-invoices';

/**
 * Where an expanded `customer` comes from. The customer directory (`/v1/customers`) is another
 * part of the gateway: it implements this and the container passes it in. Without one, an
 * expanded customer is a stub in Stripe's shape (`id`, `object`, the email Loops knows, nulls).
 */
export interface CustomerLookup {
  /** The customer as `GET /v1/customers/:id` renders it, or undefined when there is none. */
  get(tenantId: string, id: string, stripeVersion: string): Promise<Record<string, unknown> | undefined>;
}

type Rendered = Record<string, unknown>;

const NO_EXPANSION: SubscriptionExpansion = { customer: false, latestInvoice: null, itemProducts: false };

/** Subscriptions and invoices as a request's version and `expand[]` want them. */
export function createBillingRenderer(deps: { store: SubscriptionStore; customers?: CustomerLookup }) {
  async function customerObject(tenantId: string, id: string, email: string | null, livemode: boolean, version: string): Promise<Rendered> {
    const found = await deps.customers?.get(tenantId, id, version);
    if (found) return found;
    return buildReferenceStub('customer', id, {
      livemode,
      amountTotal: null,
      currency: null,
      paid: false,
      customer: id,
      email,
      paymentMethodTypes: [],
    });
  }

  const productOf = (record: SubscriptionRecord): Rendered =>
    record.product ?? buildProductObject({ id: record.price.product, name: record.productName }, record.livemode);

  async function subscription(record: SubscriptionRecord, expansion: SubscriptionExpansion, version: string): Promise<Rendered> {
    const shaped = shapeSubscriptionForVersion(buildSubscriptionObject(record), version);
    if (expansion.customer && record.customer !== null) {
      shaped.customer = await customerObject(record.tenantId, record.customer, record.loops.customer_email, record.livemode, version);
    }
    if (expansion.latestInvoice && record.invoices.latest !== null) {
      const latest = await deps.store.getInvoice(record.tenantId, record.invoices.latest);
      if (latest) shaped.latest_invoice = await invoice(latest, expansion.latestInvoice, version, record);
    }
    if (expansion.itemProducts) {
      const items = shaped.items as { data: { price: Rendered; plan: Rendered }[] };
      const product = productOf(record);
      for (const item of items.data) {
        item.price = { ...item.price, product };
        item.plan = { ...item.plan, product };
      }
    }
    return shaped;
  }

  async function invoice(record: InvoiceRecord, expansion: InvoiceExpansion, version: string, owner?: SubscriptionRecord): Promise<Rendered> {
    const shaped = shapeInvoiceForVersion(buildInvoiceObject(record), record, version);
    const parent = async () => owner ?? (await deps.store.get(record.tenantId, record.subscriptionId));
    if (expansion.customer && record.customer !== null) {
      shaped.customer = await customerObject(record.tenantId, record.customer, record.customerEmail, record.livemode, version);
    }
    if (expansion.subscription) {
      const found = await parent();
      const rendered = found ? await subscription(found, NO_EXPANSION, version) : record.subscriptionId;
      if (usesBasilBillingShapes(version)) {
        const details = (shaped.parent as { subscription_details: Rendered }).subscription_details;
        shaped.parent = { ...(shaped.parent as Rendered), subscription_details: { ...details, subscription: rendered } };
      } else {
        shaped.subscription = rendered;
      }
    }
    if (expansion.payments) shaped.payments = hideUnnamed(buildInvoicePaymentsList(record));
    if (expansion.confirmationSecret) shaped.confirmation_secret = null;
    if (expansion.charge && typeof shaped.charge === 'string') shaped.charge = chargeObjectOfInvoice(record, shaped.charge);
    if (expansion.lineProducts && !usesBasilBillingShapes(version)) {
      const found = await parent();
      const product = found ? productOf(found) : record.price.product;
      const lines = shaped.lines as { data: { price: Rendered; plan: Rendered }[] };
      for (const line of lines.data) {
        line.price = { ...line.price, product };
        line.plan = { ...line.plan, product };
      }
    }
    return shaped;
  }

  return { subscription, invoice };
}

export type BillingRenderer = ReturnType<typeof createBillingRenderer>;

/** A failed attempt Loops did not name counts in `attempt_count` but is no payment one could look up. */
function hideUnnamed(list: ReturnType<typeof buildInvoicePaymentsList>) {
  return { ...list, data: list.data.filter((payment) => !payment.payment.charge.startsWith(UNNAMED_CHARGE_PREFIX)) };
}
