import { z } from 'zod';

/** Loops webhook envelope (loops-api.md §5, chosen Stripe-like). */
export const loopsEventSchema = z
  .object({
    id: z.string().min(1).max(255),
    type: z.string().min(1).max(255),
    created: z.number().int().optional(),
    livemode: z.boolean().optional(),
    data: z.object({ object: z.record(z.string(), z.unknown()) }),
  })
  .loose();

/** The charge of `charge.succeeded` / `charge.refunded` (§5 table). */
export const loopsChargeSchema = z
  .object({
    id: z.string().min(1),
    amount: z.number().int().min(0),
    amount_refunded: z.number().int().min(0).default(0),
    currency: z.string().min(3),
    checkout_session: z.string().nullish(),
    payment_intent: z.string().nullish(),
    customer_email: z.string().nullish(),
    created: z.number().int().nullish(),
    refunded: z.boolean().nullish(),
  })
  .loose();

export const loopsSubscriptionSchema = z.object({ id: z.string().min(1), checkout_session: z.string().nullish() }).loose();

export type LoopsEvent = z.infer<typeof loopsEventSchema>;
export type LoopsCharge = z.infer<typeof loopsChargeSchema>;
