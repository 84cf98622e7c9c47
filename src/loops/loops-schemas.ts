import { z } from 'zod';

/**
 * Loops wire formats (loops-api.md), parsed at the boundary. Objects accept fields they do not
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

export type LoopsV3Session = z.infer<typeof loopsV3SessionSchema>;
export type LoopsV2Session = z.infer<typeof loopsV2SessionSchema>;
export type LoopsV3Product = z.infer<typeof loopsV3ProductSchema>;

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
