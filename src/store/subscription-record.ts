import { z } from 'zod';
import { loopsV3SubscriptionSchema } from '../loops/loops-schemas';

/**
 * A stored subscription and its invoices: what the gateway knows, not a rendered object. The
 * Stripe objects are built from these records on every read and for every event
 * (stripe/objects/subscription-object.ts, invoice-object.ts), so a `previous_attributes` compares
 * two records built by the same code, and a gateway upgrade never looks like a change. Parsed on
 * every read: Redis is a trust boundary too.
 */

/** The merchant's Stripe price as the item shows it (price-object.ts); the fields read here are checked. */
export const storedPriceSchema = z
  .object({
    id: z.string(),
    object: z.literal('price'),
    currency: z.string(),
    unit_amount: z.number().int().nullable(),
    product: z.string(),
    active: z.boolean(),
    created: z.number().int(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    nickname: z.string().nullable(),
    recurring: z
      .object({ interval: z.string(), interval_count: z.number().int(), trial_period_days: z.number().int().nullable() })
      .loose()
      .nullable(),
  })
  .loose();
export type StoredPrice = z.infer<typeof storedPriceSchema>;

export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Stripe's `billing_reason` values the gateway produces (docs/stripe-billing-contract.md §8). */
export const BILLING_REASONS = ['subscription_create', 'subscription_cycle'] as const;

export const invoiceRecordSchema = z.object({
  tenantId: z.string(),
  id: z.string(),
  subscriptionId: z.string(),
  customer: z.string().nullable(),
  customerEmail: z.string().nullable(),
  livemode: z.boolean(),
  /** Unix seconds: the service period the invoice bills (its line's `period`). */
  periodStart: z.number().int(),
  periodEnd: z.number().int(),
  /**
   * Unix seconds: where the window of Stripe's invoice `period_start`/`period_end` starts (pending
   * items accrue from the previous period's start to this renewal; the window ends at
   * `periodStart`). Absent on a first invoice, whose window is empty, and on records written before it.
   */
  pendingItemsSince: z.number().int().optional(),
  created: z.number().int(),
  billingReason: z.enum(BILLING_REASONS),
  /** The $0 invoice of a trial (docs/stripe-billing-contract.md §10.1 A: made and paid at once). */
  trial: z.boolean(),
  /** `PREFIX-0001`: per subscription, in the order its invoices were made. */
  number: z.string(),
  status: z.enum(INVOICE_STATUSES),
  currency: z.string(),
  /** Stripe minor units: what the period costs (0 for a trial). */
  amount: z.number().int().min(0),
  quantity: z.number().int().min(1),
  price: storedPriceSchema,
  productName: z.string(),
  itemId: z.string(),
  /** The subscription's metadata when the invoice was made (`parent.subscription_details.metadata`). */
  subscriptionMetadata: z.record(z.string(), z.string()),
  /** Loops charges that failed for it, oldest first (Loops retries a renewal at most 3 times, §8.1). */
  failedCharges: z.array(z.string()).max(20),
  /** The charge that paid it, when Loops named it. */
  chargeId: z.string().nullable(),
  /** What Loops said about the last failed charge (a `charge.failed` webhook's `failure_message`). */
  failureMessage: z.string().nullable(),
  paidAt: z.number().int().nullable(),
  /** Unix seconds of Loops' next retry while the invoice is open and the subscription alive. */
  nextPaymentAttempt: z.number().int().nullable(),
});
export type InvoiceRecord = z.infer<typeof invoiceRecordSchema>;

/**
 * How a scheduled cancellation was asked for, which decides how it shows (docs/stripe-billing-contract.md
 * §6.1): the merchant's `cancel_at_period_end=true` shows as such; `cancel_at=<period end>` and a
 * cancellation made on Loops' side (the customer portal) show as Stripe shows a portal
 * cancellation in the subscription's billing mode.
 */
export const CANCEL_REQUEST_VIA = ['cancel_at_period_end', 'cancel_at', 'loops'] as const;

export const subscriptionRecordSchema = z.object({
  /** Bumped by every write; writes compare-and-set on it. */
  version: z.number().int(),
  tenantId: z.string(),
  id: z.string(),
  livemode: z.boolean(),
  /** Milliseconds; orders the list indexes (Stripe lists newest first). */
  createdMs: z.number(),
  /** Set once, at creation (docs/stripe-billing-contract.md §0.6): flexible for requests from clover on. */
  billingMode: z.enum(['classic', 'flexible']),
  /** The Stripe customer (`cus_…`, Loops' `externalCustomerId`); null while unknown. */
  customer: z.string().nullable(),
  item: z.object({ id: z.string(), created: z.number().int() }),
  price: storedPriceSchema,
  /** The Stripe product object, for `expand[]=items.data.price.product`; null when unknown. */
  product: z.record(z.string(), z.unknown()).nullable(),
  productName: z.string(),
  /** `billing_cycle_anchor`: where the period grid starts (the trial end, or the first period's start). */
  anchor: z.number().int(),
  /** Loops' subscription as last read (§8.1); every Stripe field is derived from it and the above. */
  loops: loopsV3SubscriptionSchema,
  cancelRequest: z.object({ via: z.enum(CANCEL_REQUEST_VIA) }).nullable(),
  /** `cancellation_details.comment` / `feedback`, which only the merchant's calls set (Loops has neither). */
  cancellation: z.object({ comment: z.string().nullable(), feedback: z.string().nullable() }),
  /** Metadata changed after the subscription ended: Loops refuses changes then (§8.2), Stripe allows metadata. */
  metadataOverride: z.record(z.string(), z.string()).nullable(),
  invoices: z.object({
    first: z.string().nullable(),
    latest: z.string().nullable(),
    count: z.number().int(),
    /** Start of the newest period that is paid (or free, a trial): renewals are periods after it. */
    paidThrough: z.number().int().nullable(),
    /** The one invoice still waiting to be paid (a failed renewal); it changes with later attempts. */
    open: invoiceRecordSchema.nullable(),
  }),
  trialWillEndSent: z.boolean(),
  /** The renewal (`current_period_end`) whose `invoice.upcoming` went out; absent or null: none yet (optional: older records). */
  upcomingSentFor: z.number().int().nullable().optional(),
  /** Unix seconds when the sweep should read Loops again; null once the subscription ended. */
  dueAt: z.number().int().nullable(),
});
export type SubscriptionRecord = z.infer<typeof subscriptionRecordSchema>;
