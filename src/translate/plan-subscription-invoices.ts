import { createHash } from 'node:crypto';
import { LOOPS_CONTRACT } from '../loops/contract-choices';
import { fromLoopsV3Amount } from '../loops/v3-amounts';
import { stableId } from '../stripe/ids';
import { buildInvoiceObject } from '../stripe/objects/invoice-object';
import { subscriptionMetadata } from '../stripe/objects/subscription-object';
import type { InvoiceRecord, InvoiceStatus, SubscriptionRecord } from '../store/subscription-record';
import { periodEndAfter, periodStartBefore, periodStartsBetween } from './billing-period';

/**
 * Invoices from a Loops subscription's periods (docs/loops-contract.md §8.1; docs/stripe-billing-contract.md §8,
 * §10.1). Loops has no invoices and names only the current period, its status and its latest
 * charge, so the gateway derives them, one per period: the trial's $0 invoice, the first period's
 * (`subscription_create`), and one per renewal (`subscription_cycle`). A renewal Loops could not
 * charge is an `open` invoice for the period after the current one; each further failed attempt
 * (a new `latest_charge` while `past_due`) adds to its `attempt_count`; the retry that succeeds
 * advances Loops' period and pays it. Invoice ids derive from (tenant, subscription, period start),
 * so every path that sees a period finds the same invoice.
 */

export type InvoiceEventType =
  'invoice.created' | 'invoice.finalized' | 'invoice.paid' | 'invoice.payment_succeeded' | 'invoice.payment_failed' | 'invoice.upcoming';

export interface PlannedInvoiceEvent {
  type: InvoiceEventType;
  object: Record<string, unknown>;
}

/** A charge a Loops webhook named (§8.4): what it adds to the subscription's own state. */
export interface ChargeHint {
  id: string;
  status: 'succeeded' | 'failed';
  failureMessage: string | null;
}

/** A subscription whose `current_period_start` is this close to its `created` is in its first period. */
const FIRST_PERIOD_TOLERANCE_SECONDS = 60;
/** Placeholder for a failed attempt Loops did not name (no `latest_charge`): counted, never shown as a payment. */
export const UNNAMED_CHARGE_PREFIX = 'unnamed:';

export const invoiceIdFor = (tenantId: string, subscriptionId: string, periodStart: number) =>
  stableId('in', `${tenantId}\n${subscriptionId}\n${periodStart}`);

/** `ABCD1234-0001`: Stripe numbers invoices per customer prefix; here per subscription, in order. */
function invoiceNumber(record: SubscriptionRecord, sequence: number): string {
  const prefix = createHash('sha256').update(`${record.tenantId}\n${record.id}`).digest('hex').slice(0, 8).toUpperCase();
  return `${prefix}-${String(sequence).padStart(4, '0')}`;
}

/** When Loops retries an open invoice next (§8.1 [chosen]); null once its retries are used up. */
export function nextRetryAt(periodStart: number, failures: number): number | null {
  const retries = LOOPS_CONTRACT.subscriptionRenewalRetries;
  return failures > retries.count ? null : periodStart + failures * retries.spacingSeconds;
}

interface NewInvoice {
  start: number;
  end: number;
  /** A renewal's: the previous period's start (InvoiceRecord `pendingItemsSince`); null for a first invoice. */
  previousStart: number | null;
  trial: boolean;
  reason: InvoiceRecord['billingReason'];
  status: InvoiceStatus;
  chargeId: string | null;
  paidAt: number | null;
}

/** The invoice of one period of `record`, the `sequence`-th of its subscription. */
function newInvoiceRecord(record: SubscriptionRecord, spec: NewInvoice, sequence: number): InvoiceRecord {
  const loops = record.loops;
  return {
    tenantId: record.tenantId,
    id: invoiceIdFor(record.tenantId, record.id, spec.start),
    subscriptionId: record.id,
    customer: record.customer,
    customerEmail: loops.customer_email,
    livemode: record.livemode,
    periodStart: spec.start,
    periodEnd: spec.end,
    ...(spec.previousStart !== null ? { pendingItemsSince: spec.previousStart } : {}),
    created: spec.start,
    billingReason: spec.reason,
    trial: spec.trial,
    number: invoiceNumber(record, sequence),
    status: spec.status,
    currency: loops.currency.toLowerCase(),
    amount: spec.trial ? 0 : fromLoopsV3Amount(loops.amount, loops.currency),
    quantity: loops.quantity,
    price: record.price,
    productName: record.productName,
    itemId: record.item.id,
    subscriptionMetadata: subscriptionMetadata(record),
    failedCharges: [],
    chargeId: spec.chargeId,
    failureMessage: null,
    paidAt: spec.paidAt,
    nextPaymentAttempt: null,
  };
}

/**
 * Plans the invoices of one sync. `previous` is the stored record (undefined for a subscription
 * seen for the first time); `next` is the record being built, whose `invoices` this updates.
 * Returns the invoices to write and their events, oldest period first.
 */
export function planInvoices(
  previous: SubscriptionRecord | undefined,
  next: SubscriptionRecord,
  nowSeconds: number,
  charge: ChargeHint | undefined,
): { written: InvoiceRecord[]; events: PlannedInvoiceEvent[] } {
  const loops = next.loops;
  const books = next.invoices;
  const written: InvoiceRecord[] = [];
  const events: PlannedInvoiceEvent[] = [];
  const snapshot = (invoice: InvoiceRecord, status: InvoiceStatus, failures = invoice.failedCharges.length) =>
    buildInvoiceObject({ ...invoice, failedCharges: invoice.failedCharges.slice(0, failures) }, status);
  const announce = (invoice: InvoiceRecord, ...steps: [InvoiceEventType, InvoiceStatus][]) => {
    for (const [type, status] of steps) events.push({ type, object: snapshot(invoice, status) });
  };

  const make = (spec: NewInvoice): InvoiceRecord => {
    books.count += 1;
    const invoice = newInvoiceRecord(next, spec, books.count);
    books.first ??= invoice.id;
    books.latest = invoice.id;
    written.push(invoice);
    return invoice;
  };
  const makePaid = (spec: Omit<NewInvoice, 'status'>) => {
    const invoice = make({ ...spec, status: 'paid' });
    announce(invoice, ['invoice.created', 'draft'], ['invoice.finalized', 'open'], ['invoice.paid', 'paid'], ['invoice.payment_succeeded', 'paid']);
    books.paidThrough = spec.start;
  };
  // While past_due, `latest_charge` is the failed attempt, not the payment of the current period.
  const paymentOfCurrentPeriod = loops.status === 'past_due' ? null : loops.latest_charge;

  // The periods to bill now, oldest first: on first sight every period since the first (the trial's
  // end, or the start when the anchor is exact); later, the renewals since the last paid period.
  let starts: number[] = [];
  if (!previous) {
    if (loops.trial_start !== null && loops.trial_end !== null) {
      makePaid({
        start: loops.trial_start,
        end: loops.trial_end,
        previousStart: null,
        trial: true,
        reason: 'subscription_create',
        chargeId: null,
        paidAt: loops.trial_start,
      });
    }
    const inTrial = loops.trial_start !== null && loops.current_period_start === loops.trial_start;
    if (!inTrial) starts = periodStartsBetween(next.anchor, loops.interval, loops.trial_start ?? next.anchor - 1, loops.current_period_start);
  } else if (books.paidThrough === null || loops.current_period_start > books.paidThrough) {
    starts =
      books.paidThrough === null
        ? [loops.current_period_start]
        : periodStartsBetween(next.anchor, loops.interval, books.paidThrough, loops.current_period_start);
  }
  starts.forEach((start, index) => {
    const end = starts[index + 1] ?? loops.current_period_end;
    const current = index === starts.length - 1;
    const open = books.open;
    if (open && open.periodStart === start) {
      // The retry that succeeded: the open invoice is paid, when that retry charged (its scheduled
      // time, on Loops' clock as every other invoice date), however late the gateway reads it.
      const paid: InvoiceRecord = {
        ...open,
        status: 'paid',
        periodEnd: end,
        chargeId: (current ? paymentOfCurrentPeriod : null) ?? open.chargeId,
        paidAt: open.nextPaymentAttempt ?? nowSeconds,
        nextPaymentAttempt: null,
      };
      books.open = null;
      books.paidThrough = start;
      books.latest = paid.id;
      written.push(paid);
      announce(paid, ['invoice.paid', 'paid'], ['invoice.payment_succeeded', 'paid']);
      return;
    }
    const first = !previous && index === 0 && loops.trial_start === null && Math.abs(start - loops.created) <= FIRST_PERIOD_TOLERANCE_SECONDS;
    makePaid({
      start,
      end,
      // The period billed before this one (the trial, the last renewal), which makePaid moves on.
      previousStart: first ? null : (books.paidThrough ?? periodStartBefore(next.anchor, loops.interval, start)),
      trial: false,
      reason: first ? 'subscription_create' : 'subscription_cycle',
      chargeId: current ? paymentOfCurrentPeriod : null,
      paidAt: start,
    });
  });

  const open = books.open;
  if (open && (loops.status !== 'past_due' || open.periodStart !== loops.current_period_end)) {
    // The subscription ended (or moved past the period) with this invoice unpaid: Loops will not
    // try it again. It stays open, as Stripe leaves an invoice when dunning cancels (§6.1).
    const retired = { ...open, nextPaymentAttempt: null };
    books.open = null;
    if (!sameInvoice(open, retired)) written.push(retired);
  }
  if (loops.status === 'past_due') planFailedRenewal(next, books, charge, make, written, events, snapshot);
  return { written, events };
}

/** The open invoice of a renewal Loops could not charge, and one `invoice.payment_failed` per failed attempt. */
function planFailedRenewal(
  next: SubscriptionRecord,
  books: SubscriptionRecord['invoices'],
  charge: ChargeHint | undefined,
  make: (spec: NewInvoice) => InvoiceRecord,
  written: InvoiceRecord[],
  events: PlannedInvoiceEvent[],
  snapshot: (invoice: InvoiceRecord, status: InvoiceStatus, failures?: number) => Record<string, unknown>,
): void {
  const loops = next.loops;
  const start = loops.current_period_end;
  const existing = books.open;
  const invoice: InvoiceRecord = existing
    ? (JSON.parse(JSON.stringify(existing)) as InvoiceRecord)
    : make({
        start,
        end: periodEndAfter(next.anchor, loops.interval, start),
        previousStart: loops.current_period_start,
        trial: false,
        reason: 'subscription_cycle',
        status: 'open',
        chargeId: null,
        paidAt: null,
      });
  if (!existing) {
    // `make` announced nothing: a failing renewal's invoice is created, finalized, then fails.
    events.push({ type: 'invoice.created', object: snapshot(invoice, 'draft') }, { type: 'invoice.finalized', object: snapshot(invoice, 'open', 0) });
  }
  const known = new Set(invoice.failedCharges);
  const named = [loops.latest_charge, charge?.status === 'failed' ? charge.id : null].filter(
    (id): id is string => id !== null && id !== invoice.chargeId,
  );
  const fresh = [...new Set(named)].filter((id) => !known.has(id));
  if (invoice.failedCharges.length === 0 && fresh.length === 0) fresh.push(`${UNNAMED_CHARGE_PREFIX}${start}`);
  if (charge?.status === 'failed' && charge.failureMessage) invoice.failureMessage = charge.failureMessage;
  // One event per attempt, each showing the count (and next retry) after that attempt.
  for (const id of fresh) {
    invoice.failedCharges.push(id);
    invoice.nextPaymentAttempt = nextRetryAt(start, invoice.failedCharges.length);
    events.push({ type: 'invoice.payment_failed', object: snapshot(invoice, 'open') });
  }
  invoice.nextPaymentAttempt = nextRetryAt(start, invoice.failedCharges.length);
  books.open = invoice;
  // A new invoice is already listed to be written (`make`); a known one only when it changed.
  if (existing && !sameInvoice(existing, invoice)) written.push(invoice);
}

const sameInvoice = (a: InvoiceRecord, b: InvoiceRecord) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The invoice the next renewal will make, as `invoice.upcoming` shows it (docs/stripe-billing-contract.md
 * §10 B): no `id` (Stripe's has none), a draft with `billing_reason: upcoming`, the next period on its
 * line, and `next_payment_attempt` at the renewal, when Loops charges it.
 */
export function upcomingInvoiceObject(record: SubscriptionRecord): Record<string, unknown> {
  const loops = record.loops;
  const renewal = loops.current_period_end;
  const invoice = newInvoiceRecord(
    record,
    {
      start: renewal,
      end: periodEndAfter(record.anchor, loops.interval, renewal),
      previousStart: loops.current_period_start,
      trial: false,
      reason: 'subscription_cycle',
      status: 'draft',
      chargeId: null,
      paidAt: null,
    },
    record.invoices.count + 1,
  );
  const { id: _id, lines, ...object } = buildInvoiceObject(invoice, 'draft');
  return {
    ...object,
    billing_reason: 'upcoming',
    next_payment_attempt: renewal,
    lines: { ...lines, url: `/v1/invoices/upcoming/lines?subscription=${record.id}`, data: lines.data.map((line) => ({ ...line, invoice: null })) },
  };
}
