import { z } from 'zod';
import type { EmulatorOptions } from './options';

/** Used when EMULATOR_API_KEYS is unset: obviously fake, printed at start-up. */
export const DEFAULT_API_KEY = 'loops_emulator_test_key';

const isSet = (value: string | undefined) => value !== undefined && value.trim() !== '';
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
const integer = (min: number, max: number) => z.string().regex(/^\d+$/, { error: 'must be a whole number' }).transform(Number).pipe(z.int().min(min).max(max));
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z
  .object({
    EMULATOR_PORT: optional(integer(0, 65535)),
    EMULATOR_HOST: optional(z.string()),
    EMULATOR_API_KEYS: optional(z.string().transform(list).pipe(z.array(z.string().regex(/^\S+$/, { error: 'keys cannot contain spaces' })).min(1))),
    EMULATOR_PUBLIC_URL: optional(httpUrl),
    EMULATOR_WEBHOOK_URL: optional(z.string().transform(list).pipe(z.array(httpUrl).min(1))),
    EMULATOR_WEBHOOK_SECRET: optional(z.string()),
    EMULATOR_WEBHOOK_RETRY_DELAYS_MS: optional(
      z.string().transform((value) => (value.trim() === 'none' ? [] : list(value))).pipe(z.array(integer(0, 3_600_000))),
    ),
    EMULATOR_WEBHOOK_SIGNATURE_HEADER: optional(z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'must be a valid header name' })),
    EMULATOR_SESSION_TTL_SECONDS: optional(integer(1, 31 * 24 * 3600)),
    EMULATOR_SWEEP_INTERVAL_MS: optional(integer(10, 3_600_000)),
    LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  });

export type EnvResult = { ok: true; options: EmulatorOptions & { port: number }; defaultKeyUsed: boolean } | { ok: false; problems: string[] };

/**
 * Reads the emulator's environment (docs/emulator.md "Running it": EMULATOR_PORT, EMULATOR_API_KEYS, …) and reports
 * every problem at once. One secret signs for every URL in EMULATOR_WEBHOOK_URL.
 */
export function readEmulatorEnv(env: NodeJS.ProcessEnv): EnvResult {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
  // Checked by hand so it is reported together with the field errors above.
  if (isSet(env.EMULATOR_WEBHOOK_URL) !== isSet(env.EMULATOR_WEBHOOK_SECRET)) {
    problems.push('EMULATOR_WEBHOOK_SECRET: EMULATOR_WEBHOOK_URL and EMULATOR_WEBHOOK_SECRET go together; set both or neither');
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const e = parsed.data;
  const secret = e.EMULATOR_WEBHOOK_SECRET ?? '';
  return {
    ok: true,
    defaultKeyUsed: e.EMULATOR_API_KEYS === undefined,
    options: {
      port: e.EMULATOR_PORT ?? 4243,
      host: e.EMULATOR_HOST ?? '127.0.0.1',
      apiKeys: e.EMULATOR_API_KEYS ?? [DEFAULT_API_KEY],
      publicUrl: e.EMULATOR_PUBLIC_URL,
      webhooks: (e.EMULATOR_WEBHOOK_URL ?? []).map((url) => ({ url, secret })),
      webhookRetryDelaysMs: e.EMULATOR_WEBHOOK_RETRY_DELAYS_MS,
      webhookSignatureHeader: e.EMULATOR_WEBHOOK_SIGNATURE_HEADER,
      sessionTtlSeconds: e.EMULATOR_SESSION_TTL_SECONDS,
      expirySweepIntervalMs: e.EMULATOR_SWEEP_INTERVAL_MS,
      logLevel: e.LOG_LEVEL ?? 'info',
    },
  };
}
