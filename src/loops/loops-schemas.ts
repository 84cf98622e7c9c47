import { z } from 'zod';

/**
 * Loops wire formats (docs/loops-contract.md), parsed at the boundary. Objects accept fields they do not
 * name (Loops may add fields), and only what the gateway reads is checked. Status strings stay
 * strings here: the translation table rejects values it does not know, with context.
 */
export const loopsErrorBodySchema = z.object({
  error: z.object({ message: z.string().optional(), code: z.string().optional() }).loose(),
});

/**
 * V3 session: Stripe-shaped, minor units, unix seconds, no `status` (§3.2). Fields it does not
 * name are accepted but dropped, not copied as `.loose()` would: every create parses one, and
 * copying its thirty-odd other fields was most of that parse; nothing reads them.
 */
export const loopsV3SessionSchema = z.object({
  id: z.string().min(1),
  url: z.string().nullish(),
  amount_subtotal: z.number().int().nullish(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
  payment_status: z.string().nullish(),
  status: z.string().nullish(),
  expires_at: z.number().int().nullish(),
  payment_intent: z.string().nullish(),
  customer_email: z.string().nullish(),
  /** What the customer typed on Loops' page (§8 [chosen]); absent before completion or from a Loops without it. */
  customer_details: z.object({ email: z.string().nullish(), name: z.string().nullish() }).nullish(),
  /**
   * The subscription a completed subscription-mode session created (§8 [chosen], the emulator sends
   * it). Without it, `subscription.created`'s `checkout_session` names the session (§8.4).
   */
  subscription: z.string().nullish(),
  /** Read for the gateway's own operation marker (translate/operation-marker.ts), never shown to merchants. */
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** V1/V2 session: major units, upper-case currency, ISO dates, upper-case status (§3.1). */
export const loopsV2SessionSchema = z
  .object({
    id: z.string().min(1),
    url: z.string().nullish(),
    status: z.string(),
    amount: z.number().nullish(),
    currency: z.string().nullish(),
    expiresAt: z.string().nullish(),
    completedAt: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

/** V3 product (§3.3): `priceAmount` is a string of minor units. */
export const loopsV3ProductSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    default_price: z.string().nullish(),
    priceAmount: z.string().nullish(),
    priceCurrency: z.string().nullish(),
    recurringInterval: z.string().nullish(),
    active: z.boolean().nullish(),
    status: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    /** Unix seconds (§3.3); the mapping tool orders duplicates by it. */
    created: z.number().nullish(),
  })
  .loose();

export const loopsV3ListSchema = <T extends z.ZodType>(item: T) =>
  z.object({ object: z.literal('list').optional(), data: z.array(item), has_more: z.boolean() }).loose();

/**
 * Unix seconds (§7.4): an integer below 10^11 (the year 5138), so a Loops that sent milliseconds
 * fails the parse instead of dating a renewal 50,000 years ahead.
 */
const unixSeconds = z.number().int().min(0).max(99_999_999_999);

export const LOOPS_SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled'] as const;

/**
 * The subscription object (§8.1, all [chosen]): every field must be present with its type (null
 * where §8.1 allows it), and `status` and `interval` must be values §8.1 names, so a Loops that
 * differs fails the parse loudly (a LoopsError `invalid_response`) instead of being half-read.
 * Fields it does not name are accepted and dropped.
 */
export const loopsV3SubscriptionSchema = z.object({
  id: z.string().min(1),
  object: z.literal('subscription'),
  status: z.enum(LOOPS_SUBSCRIPTION_STATUSES),
  externalCustomerId: z.string().nullable(),
  customer_email: z.string().nullable(),
  productId: z.string().min(1),
  price: z.string().min(1).nullable(),
  quantity: z.number().int().min(1),
  /** Per period, minor units (§7.4: the same unit as V3 session amounts, see v3-amounts.ts). */
  amount: z.number().int().min(0),
  currency: z.string().min(3),
  interval: z.enum(['month', 'year']),
  current_period_start: unixSeconds,
  current_period_end: unixSeconds,
  trial_start: unixSeconds.nullable(),
  trial_end: unixSeconds.nullable(),
  cancel_at_period_end: z.boolean(),
  canceled_at: unixSeconds.nullable(),
  ended_at: unixSeconds.nullable(),
  checkout_session: z.string().nullable(),
  latest_charge: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  created: unixSeconds,
  livemode: z.boolean(),
});

/** The customer-portal session (§8.2 [chosen]); every field required. */
export const loopsPortalSessionSchema = z.object({
  id: z.string().min(1),
  object: z.literal('customer_portal.session'),
  url: z.url({ protocol: /^https?$/ }),
  externalCustomerId: z.string(),
  returnUrl: z.string(),
  created: unixSeconds,
  expires_at: unixSeconds,
});

export type LoopsV3Session = z.infer<typeof loopsV3SessionSchema>;
export type LoopsV2Session = z.infer<typeof loopsV2SessionSchema>;
export type LoopsV3Product = z.infer<typeof loopsV3ProductSchema>;
export type LoopsV3Subscription = z.infer<typeof loopsV3SubscriptionSchema>;
export type LoopsSubscriptionStatus = LoopsV3Subscription['status'];
export type LoopsPortalSession = z.infer<typeof loopsPortalSessionSchema>;

/** Request bodies the gateway sends (§3.1–§3.3). */
export interface LoopsLineItem {
  price: string;
  quantity: number;
  adjustable_quantity?: { enabled: boolean; minimum?: number; maximum?: number };
}

export interface LoopsV3CreateSessionBody {
  line_items?: LoopsLineItem[];
  productId?: string;
  quantity?: number;
  mode: 'payment' | 'subscription';
  success_url?: string;
  cancel_url?: string;
  customer?: string;
  customer_email?: string;
  client_reference_id?: string;
  metadata?: Record<string, string>;
  externalCustomerId?: string;
  payment_method_types?: string[];
  expires_at?: number;
  /** §8.3, `mode: "subscription"` only (LOOPS_CONTRACT.trials for the trial fields). */
  subscription_data?: LoopsSubscriptionData;
}

/** A trial is `trial_period_days` (1–730) or `trial_end` (unix seconds, ≥ 2 days ahead), never both (§8.3). */
export interface LoopsSubscriptionData {
  trial_period_days?: number;
  trial_end?: number;
  /** The subscription's starting `metadata` (§8.1); §2 limits. */
  metadata?: Record<string, string>;
}

/** `GET /api/v3/subscriptions` filters (§8.2). */
export interface LoopsV3SubscriptionListQuery {
  limit: number;
  offset: number;
  status?: LoopsSubscriptionStatus;
  externalCustomerId?: string;
}

/** `PUT /api/v3/subscriptions/{id}` (§8.2): `metadata` replaces the set; `quantity` applies from the next renewal. */
export interface LoopsV3SubscriptionUpdateBody {
  cancel_at_period_end?: boolean;
  metadata?: Record<string, string>;
  quantity?: number;
}

/** `POST /api/v3/customer-portal/sessions` (§8.2): both required. */
export interface LoopsPortalSessionCreateBody {
  externalCustomerId: string;
  returnUrl: string;
}

/** `GET /api/v3/checkout/sessions` filters (§3.2); `status` takes the list-filter names. */
export interface LoopsV3SessionListQuery {
  limit: number;
  offset: number;
  status?: 'open' | 'completed' | 'expired' | 'failed';
  externalCustomerId?: string;
}

export interface LoopsV2CreateSessionBody {
  paymentLinkId?: string;
  productId?: string;
  quantity?: number;
  externalCustomerId?: string;
  metadata?: Record<string, string>;
  successUrl?: string;
  cancelUrl?: string;
}

export interface LoopsV2UpdateSessionBody {
  expiresAt?: string;
  metadata?: Record<string, string>;
}

export interface LoopsV3CreateProductBody {
  name: string;
  description?: string;
  images?: string[];
  metadata?: Record<string, string>;
  amountType: 'FIXED';
  priceAmount: number;
  priceCurrency: string;
  recurringInterval?: 'month' | 'year';
  unit_label?: string;
  tax_code?: string;
}
