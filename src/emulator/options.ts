import { z } from 'zod';

export interface EmulatorWebhookTarget {
  url: string;
  secret: string;
}

export interface EmulatorOptions {
  /** 0 = any free port (tests); `main.ts` defaults to EMULATOR_PORT or 4243. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Loops keys accepted as `Authorization: Bearer <key>`. */
  apiKeys: string[];
  /** Base of hosted-page URLs; default `http://<host>:<actual port>`. */
  publicUrl?: string;
  webhooks?: EmulatorWebhookTarget[];
  /** Default [1000, 5000, 25000] (docs/loops-contract.md §5: 3 retries). */
  webhookRetryDelaysMs?: number[];
  /** Default 'X-Loops-Signature' (§5 [chosen]). */
  webhookSignatureHeader?: string;
  /** Default 3600 (§2). */
  sessionTtlSeconds?: number;
  /** How often open sessions past `expires_at` are expired; default 1000. */
  expirySweepIntervalMs?: number;
  /** pino level, default 'info'; tests use 'silent'. */
  logLevel?: string;
  /**
   * Default true. False plays a Loops that ignores `Idempotency-Key` (docs/loops-contract.md §7.7 leaves it
   * open), so a client's own guard against duplicate creates can be tested; also `POST /_emulator/options`.
   */
  honourIdempotencyKeys?: boolean;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 25000];
export const DEFAULT_SIGNATURE_HEADER = 'X-Loops-Signature';

const optionsSchema = z.object({
  port: z.int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  apiKeys: z.array(z.string().min(1).regex(/^\S+$/, { error: 'API keys cannot contain whitespace' })).min(1),
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  webhooks: z.array(z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(1) })).default([]),
  webhookRetryDelaysMs: z.array(z.int().min(0)).default(DEFAULT_RETRY_DELAYS_MS),
  webhookSignatureHeader: z.string().regex(/^[A-Za-z0-9-]+$/).default(DEFAULT_SIGNATURE_HEADER),
  sessionTtlSeconds: z.int().min(1).default(3600),
  expirySweepIntervalMs: z.int().min(10).default(1000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  honourIdempotencyKeys: z.boolean().default(true),
});

export type ResolvedOptions = z.output<typeof optionsSchema>;

/** Applies defaults; a bad option throws one error naming every problem. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
  throw new Error(`Invalid emulator options:\n  ${problems.join('\n  ')}`);
}
