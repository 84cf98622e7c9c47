import { z } from 'zod';

/**
 * A stored checkout session: the Stripe object the merchant was given (so every read renders the
 * same bytes, whatever version of the gateway wrote it), its line items, and the gateway's own
 * bookkeeping. Parsed on every read: Redis is a trust boundary too.
 */
export const storedSessionObjectSchema = z
  .object({
    id: z.string(),
    object: z.literal('checkout.session'),
    status: z.enum(['open', 'complete', 'expired']),
    payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
    created: z.number().int(),
    expires_at: z.number().int(),
    url: z.string().nullable(),
    livemode: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    customer: z.string().nullable(),
    customer_email: z.string().nullable(),
    customer_details: z.object({ email: z.string().nullable() }).loose().nullable(),
    payment_intent: z.string().nullable(),
    payment_link: z.string().nullable(),
    subscription: z.string().nullable(),
    /** The subscription's first invoice, once a subscription-mode session completes (optional: older records). */
    invoice: z.string().nullable().optional(),
    mode: z.enum(['payment', 'subscription']).optional(),
    currency: z.string().nullable(),
    amount_total: z.number().int().nullable(),
    payment_method_types: z.array(z.string()).optional(),
  })
  .loose();

export const storedLineItemSchema = z.object({ id: z.string(), price: z.object({ id: z.string(), product: z.string() }).loose() }).loose();

export const sessionRecordSchema = z.object({
  /** Bumped by every write; updates compare-and-set on it. */
  version: z.number().int(),
  tenantId: z.string(),
  /** Milliseconds; orders the list index (Stripe lists newest first). */
  createdMs: z.number(),
  /** Which Loops API made the session (V2 for payment links, else V3). */
  loopsApi: z.enum(['v2', 'v3']),
  session: storedSessionObjectSchema,
  lineItems: z.array(storedLineItemSchema),
  /** Stripe product objects of the line items, for `expand[]=line_items.data.price.product`. */
  products: z.record(z.string(), z.object({ id: z.string(), object: z.literal('product') }).loose()),
  /** The request that created it, for the `request` field of the events it causes. */
  createdBy: z.object({ requestId: z.string().nullable(), idempotencyKey: z.string().nullable() }),
  /**
   * What completing the session needs beyond Loops' report (checkout-completion.ts): the `cus_…`
   * id of the customer the gateway creates then (subscription mode without `customer`, or
   * `customer_creation: always`), picked at create and sent to Loops as `externalCustomerId`; and,
   * in subscription mode, what the subscription core needs to know of the request that made it:
   * its `Stripe-Version` (the subscription's billing mode follows it, docs/stripe-billing-contract.md §0.6)
   * and `subscription_data[description]`, which Loops does not take.
   */
  completion: z
    .object({ customerToCreate: z.string().optional(), stripeVersion: z.string().optional(), subscriptionDescription: z.string().optional() })
    .optional(),
});

export type SessionRecord = z.infer<typeof sessionRecordSchema>;
export type StoredSessionObject = SessionRecord['session'];
