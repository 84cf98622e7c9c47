import { z } from 'zod';
import { LOOPS_CONTRACT } from '../loops/contract-choices';
import { DEFAULT_RETRY_SCHEDULE } from '../webhooks/retry-schedule';

/**
 * Every environment variable the gateway reads, in one schema. Nothing outside `config/` reads
 * `process.env`. Comma-separated lists are split here so the rest of the code sees arrays.
 */
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** Digits only: `z.coerce.number` would read `0x1F90` as 8080 and ` ` as 0. */
const wholeNumber = z.string().regex(/^\d+$/, { error: 'expected a whole number' }).transform(Number);
const port = wholeNumber.pipe(z.int().min(0).max(65535));
const positiveInt = wholeNumber.pipe(z.int().positive());
/** `true` or `false`, nothing else (a typo must not silently switch a contract group off). */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');

export const envSchema = z.object({
  PORT: port.default(4242),
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * How long a client may take to send its request headers, and then its body, before the
   * gateway answers 408 and closes the connection (a stalled or slow-drip client holds a socket).
   */
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  HTTP_BODY_TIMEOUT_MS: positiveInt.default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  REDIS_URL: z.string().url().optional(),
  /** Comma-separated `host:port` seeds; when set, ioredis runs in Cluster mode. */
  REDIS_CLUSTER_NODES: list,
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/)
    .default('gw'),

  LOOPS_API_BASE: z.string().url().optional(),
  LOOPS_API_KEY: z.string().min(1).optional(),
  LOOPS_TIMEOUT_MS: positiveInt.default(10_000),
  /** docs/loops-contract.md §2/§7.3: how a Stripe line item is sent to Loops V3. */
  LOOPS_CHECKOUT_FORM: z.enum(['line_items', 'product']).default(LOOPS_CONTRACT.checkoutForm),
  LOOPS_LINE_ITEM_REFERENCE: z.enum(['price', 'product']).default(LOOPS_CONTRACT.lineItemReference),
  /** docs/loops-contract.md §8: the three [chosen] groups, each on or off (contract-choices.ts); off refuses the Stripe calls needing it. */
  LOOPS_SUBSCRIPTIONS: flag(LOOPS_CONTRACT.subscriptions),
  LOOPS_CUSTOMER_PORTAL: flag(LOOPS_CONTRACT.customerPortal),
  LOOPS_TRIALS: flag(LOOPS_CONTRACT.trials),

  GATEWAY_API_KEYS: list,
  STRIPE_WEBHOOK_SECRET: list,
  WEBHOOK_ENDPOINTS: list,
  LOOPS_WEBHOOK_SECRET: z.string().min(1).optional(),
  LOOPS_WEBHOOK_SIGNATURE_HEADER: z.string().min(1).default(LOOPS_CONTRACT.webhookSignatureHeader),
  LOOPS_WEBHOOK_TOLERANCE_SECONDS: positiveInt.default(LOOPS_CONTRACT.webhookToleranceSeconds),

  /** Waits between webhook delivery retries (`1m,5m,…`); default ≈ 3 days in 12 retries. */
  WEBHOOK_RETRY_SCHEDULE: z.string().min(1).default(DEFAULT_RETRY_SCHEDULE),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(15_000),
  WEBHOOK_CONCURRENCY: positiveInt.default(50),
  /** How often open sessions past `expires_at` are looked for. */
  EXPIRY_SWEEP_INTERVAL_MS: positiveInt.default(30_000),
  EXPIRY_SWEEP_CONCURRENCY: positiveInt.default(8),
  /** How often subscriptions due for a look (renewal, retry, trial end) are read from Loops. */
  SUBSCRIPTION_SWEEP_INTERVAL_MS: positiveInt.default(60_000),
  /** Stripe's "upcoming renewal events" setting: `invoice.upcoming` this many days before a renewal; 0: never. Per tenant in TENANTS_FILE. */
  UPCOMING_INVOICE_DAYS: wholeNumber.pipe(z.int().max(45)).default(3),

  /** Per API key and instance, like Stripe's limit; 0 turns it off. Burst defaults to twice the rate. */
  RATE_LIMIT_PER_SECOND: wholeNumber.default(100),
  RATE_LIMIT_BURST: positiveInt.optional(),

  /** `true`: refuse create parameters Loops' page cannot honour instead of echoing them (docs/compatibility.md). */
  STRICT_PARAMS: flag(false),

  MAPPINGS_DIR: z.string().min(1).default('./mappings'),
  TENANTS_FILE: z.string().min(1).optional(),

  /** Port of the in-process emulator that the zero-config sandbox starts. */
  EMULATOR_PORT: port.default(4243),
});

export type Env = z.infer<typeof envSchema>;

/**
 * A variable set to nothing (`PORT=` in a compose file or `.env`) means "use the default", as if
 * it were unset; otherwise an empty PORT would start the gateway on a random port.
 */
export function withoutBlankValues(raw: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value === undefined || value.trim() !== ''));
}
