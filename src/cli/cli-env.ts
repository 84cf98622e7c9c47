import { z } from 'zod';

/**
 * The environment the CLI reads beyond the gateway's own (which `loadConfig` parses): the Stripe
 * account the catalog is read from. Only the CLI entry reads `process.env` for these.
 */
export const cliEnvSchema = z.object({
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\S+$/, 'a Stripe secret or restricted key (sk_… / rk_…)')
    .optional(),
  STRIPE_API_BASE: z.string().url().optional(),
});

export type CliEnv = z.infer<typeof cliEnvSchema>;

export function parseCliEnv(env: Record<string, string | undefined>): CliEnv {
  // Blank variables count as unset, as in the gateway's configuration.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = cliEnvSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new UsageError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
