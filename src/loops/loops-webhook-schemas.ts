import { z } from 'zod';
import { jsonObjectSchema } from '../store/json-object-schema';
import { loopsV3SubscriptionSchema } from './loops-schemas';

/** Loops webhook envelope (docs/loops-contract.md §5, chosen Stripe-like). */
export const loopsEventSchema = z
  .object({
    id: z.string().min(1).max(255),
    type: z.string().min(1).max(255),
    created: z.number().int().optional(),
    livemode: z.boolean().optional(),
    // Any object here; each event type's own schema checks it (translate/loops-event-to-stripe.ts).
    data: z.object({ object: jsonObjectSchema }),
  })
  .loose();

/**
 * The charge of `charge.succeeded` / `charge.refunded` (§5 table) and of §8.4's renewals: a
 * renewal's charge names its `subscription` and has `checkout_session: null`.
 */
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
    status: z.string().nullish(),
    subscription: z.string().nullish(),
    failure_message: z.string().nullish(),
  })
  .loose();

/** §8.4 `charge.failed`: a renewal charge Loops could not take. */
export const loopsFailedChargeSchema = loopsChargeSchema.extend({
  status: z.literal('failed'),
  subscription: z.string().min(1),
  failure_message: z.string().nullable(),
});

/**
 * What the translation table reads of `subscription.created` today (the session it belongs to).
 * The whole §8.1 object, for `subscription.created` / `.updated` / `.canceled`, is
 * `loopsV3SubscriptionSchema`, listed in LOOPS_SUBSCRIPTION_EVENT_OBJECTS below.
 */
export const loopsSubscriptionSchema = z.object({ id: z.string().min(1), checkout_session: z.string().nullish() }).loose();

/**
 * The `data.object` of each §8 event type (LOOPS_CONTRACT.subscriptions), strict as the
 * subscription object is (loops-schemas.ts): a shape that differs fails the parse, which the
 * webhook service records as `invalid_shape` and answers 400 so Loops retries.
 */
export const LOOPS_SUBSCRIPTION_EVENT_OBJECTS = {
  'subscription.created': loopsV3SubscriptionSchema,
  'subscription.updated': loopsV3SubscriptionSchema,
  'subscription.canceled': loopsV3SubscriptionSchema,
  'charge.succeeded': loopsChargeSchema,
  'charge.failed': loopsFailedChargeSchema,
} as const;

export type LoopsSubscriptionEventType = keyof typeof LOOPS_SUBSCRIPTION_EVENT_OBJECTS;

/** A §8.4 event's object, typed by its event type. */
export type LoopsSubscriptionEventObject<T extends LoopsSubscriptionEventType> = z.output<(typeof LOOPS_SUBSCRIPTION_EVENT_OBJECTS)[T]>;

export function parseSubscriptionEventObject<T extends LoopsSubscriptionEventType>(type: T, object: unknown): LoopsSubscriptionEventObject<T> {
  return LOOPS_SUBSCRIPTION_EVENT_OBJECTS[type].parse(object) as LoopsSubscriptionEventObject<T>;
}

export type LoopsEvent = z.infer<typeof loopsEventSchema>;
export type LoopsCharge = z.infer<typeof loopsChargeSchema>;
export type LoopsFailedCharge = z.infer<typeof loopsFailedChargeSchema>;
