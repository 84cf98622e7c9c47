import { z } from 'zod';

/**
 * `TENANTS_FILE`: several merchants on one gateway, each with its own keys, Loops credentials,
 * webhook secrets, endpoints and mappings. The single-tenant variables describe tenant `default`.
 */
export const webhookEndpointSchema = z.object({
  url: z.string().url(),
  /** Stripe's `enabled_events`: exact types, `checkout.session.*` style wildcards, or `*`. */
  enabledEvents: z.array(z.string().min(1)).min(1).default(['*']),
});

export const tenantFileEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "_" and "-"'),
  apiKeys: z.array(z.string().min(8)).min(1),
  loopsApiBase: z.string().url().optional(),
  loopsApiKey: z.string().min(1).optional(),
  loopsWebhookSecret: z.string().min(1).optional(),
  webhookSecrets: z.array(z.string().startsWith('whsec_')).default([]),
  webhookEndpoints: z.array(webhookEndpointSchema).default([]),
  /** Per tenant; defaults to STRICT_PARAMS. */
  strictParams: z.boolean().optional(),
  /** Per tenant; defaults to UPCOMING_INVOICE_DAYS. */
  upcomingInvoiceDays: z.int().min(0).max(45).optional(),
});

export const tenantsFileSchema = z.object({ tenants: z.array(tenantFileEntrySchema).min(1) });

export type TenantsFile = z.infer<typeof tenantsFileSchema>;
