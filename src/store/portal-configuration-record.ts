import { z } from 'zod';
import type { StripePortalConfiguration } from '../stripe/objects/portal-configuration-object';

const enabled = z.object({ enabled: z.boolean() }).loose();

/**
 * A billing portal configuration of a tenant (docs/stripe-billing-contract.md §9.2), kept by the gateway:
 * Loops' portal is configured in Loops (docs/loops-contract.md §8.2), so these objects exist for merchant code
 * that creates, lists and names them. The stored object is Stripe's, in today's shape; parsed on
 * every read (Redis is a trust boundary), checking what the gateway itself reads of it.
 */
export const storedPortalConfigurationSchema = z
  .object({
    id: z.string(),
    object: z.literal('billing_portal.configuration'),
    active: z.boolean(),
    is_default: z.boolean(),
    created: z.number().int(),
    updated: z.number().int(),
    livemode: z.boolean(),
    default_return_url: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    features: z
      .object({
        customer_update: enabled,
        invoice_history: enabled,
        payment_method_update: enabled,
        subscription_cancel: z
          .object({ enabled: z.boolean(), mode: z.string(), proration_behavior: z.string(), cancellation_reason: enabled })
          .loose(),
        subscription_pause: enabled,
        subscription_update: enabled,
      })
      .loose(),
  })
  .loose();

export const portalConfigurationRecordSchema = z.object({
  /** Bumped by every write; updates compare-and-set on it. */
  version: z.number().int(),
  tenantId: z.string(),
  /** Milliseconds; orders the list (newest first). */
  createdMs: z.number(),
  configuration: storedPortalConfigurationSchema,
});

export interface PortalConfigurationRecord {
  version: number;
  tenantId: string;
  createdMs: number;
  configuration: StripePortalConfiguration;
}

export function parsePortalConfigurationRecord(json: string): PortalConfigurationRecord {
  return portalConfigurationRecordSchema.parse(JSON.parse(json)) as unknown as PortalConfigurationRecord;
}

/** Only ids of this form are looked up: a client's path segment never reaches a Redis key unchecked. */
export const isPortalConfigurationId = (id: string): boolean => /^bpc_[A-Za-z0-9]{1,64}$/.test(id);
