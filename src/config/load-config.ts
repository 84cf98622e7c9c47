import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { envSchema, withoutBlankValues, type Env } from './env-schema';
import { tenantsFileSchema } from './tenants-file';
import { parseRetrySchedule } from '../webhooks/retry-schedule';
import type { Config, TenantConfig } from './config';

export const DEFAULT_LOOPS_API_BASE = 'https://api.loops.fi';
export const DEFAULT_TENANT = 'default';

/** Thrown with every problem at once, so an operator fixes a bad deployment in one pass. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type ReadFile = (path: string) => string;

/**
 * Validates the environment (and `TENANTS_FILE`), reports every problem together, then freezes.
 * With nothing configured at all it describes the zero-config sandbox.
 */
export function loadConfig(rawEnv: Record<string, string | undefined>, readFile: ReadFile = (path) => readFileSync(path, 'utf8')): Config {
  const problems: string[] = [];
  const env = parseEnv(withoutBlankValues(rawEnv), problems);
  const sandbox = isSandbox(env)
    ? { emulatorPort: env.EMULATOR_PORT, loopsApiKey: randomKey('loops_sandbox_'), loopsWebhookSecret: randomKey('loops_whsec_sandbox_') }
    : undefined;
  const defaultLoops = sandbox
    ? { apiBase: `http://127.0.0.1:${sandbox.emulatorPort}`, apiKey: sandbox.loopsApiKey }
    : { apiBase: env.LOOPS_API_BASE ?? DEFAULT_LOOPS_API_BASE, apiKey: env.LOOPS_API_KEY ?? '' };

  const tenants: TenantConfig[] = [];
  const defaultKeys = env.GATEWAY_API_KEYS.length > 0 ? env.GATEWAY_API_KEYS : sandbox ? [randomKey('sk_test_sandbox_')] : [];
  if (defaultKeys.length > 0) {
    tenants.push({
      id: DEFAULT_TENANT,
      apiKeys: defaultKeys,
      loops: defaultLoops,
      loopsWebhookSecret: env.LOOPS_WEBHOOK_SECRET ?? sandbox?.loopsWebhookSecret,
      webhookSecrets: env.STRIPE_WEBHOOK_SECRET,
      webhookEndpoints: env.WEBHOOK_ENDPOINTS.map((url) => ({ url, enabledEvents: ['*'] })),
      strictParams: env.STRICT_PARAMS,
      upcomingInvoiceDays: env.UPCOMING_INVOICE_DAYS,
    });
    if (!defaultLoops.apiKey) problems.push('LOOPS_API_KEY: required when GATEWAY_API_KEYS is set');
  }
  if (env.TENANTS_FILE)
    tenants.push(
      ...readTenantsFile(
        env.TENANTS_FILE,
        readFile,
        { loops: defaultLoops, strictParams: env.STRICT_PARAMS, upcomingInvoiceDays: env.UPCOMING_INVOICE_DAYS },
        problems,
      ),
    );
  if (tenants.length === 0) problems.push('GATEWAY_API_KEYS or TENANTS_FILE: at least one tenant with an API key is required');
  problems.push(...checkTenants(tenants, env));

  const retryScheduleMs = retrySchedule(env.WEBHOOK_RETRY_SCHEDULE, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    http: { headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS, bodyTimeoutMs: env.HTTP_BODY_TIMEOUT_MS },
    redis: redisConfig(env),
    loops: { timeoutMs: env.LOOPS_TIMEOUT_MS },
    loopsContract: {
      checkoutForm: env.LOOPS_CHECKOUT_FORM,
      lineItemReference: env.LOOPS_LINE_ITEM_REFERENCE,
      subscriptions: env.LOOPS_SUBSCRIPTIONS,
      customerPortal: env.LOOPS_CUSTOMER_PORTAL,
      trials: env.LOOPS_TRIALS,
    },
    webhooks: { retryScheduleMs, timeoutMs: env.WEBHOOK_TIMEOUT_MS, concurrency: env.WEBHOOK_CONCURRENCY },
    expirySweepIntervalMs: env.EXPIRY_SWEEP_INTERVAL_MS,
    expirySweepConcurrency: env.EXPIRY_SWEEP_CONCURRENCY,
    subscriptionSweepIntervalMs: env.SUBSCRIPTION_SWEEP_INTERVAL_MS,
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST ?? Math.max(1, 2 * env.RATE_LIMIT_PER_SECOND) },
    loopsWebhook: { signatureHeader: env.LOOPS_WEBHOOK_SIGNATURE_HEADER, toleranceSeconds: env.LOOPS_WEBHOOK_TOLERANCE_SECONDS },
    mappingsDir: env.MAPPINGS_DIR,
    tenants,
    sandbox,
  });
}

/**
 * Variables that fail the schema are reported and then read as unset, so the checks that follow
 * (tenants, secrets, schedule) still run and report their problems in the same message.
 */
function parseEnv(rawEnv: Record<string, string | undefined>, problems: string[]): Env {
  const parsed = envSchema.safeParse(rawEnv);
  if (parsed.success) return parsed.data;
  problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  const invalid = new Set(parsed.error.issues.map((i) => i.path[0]));
  return envSchema.parse(Object.fromEntries(Object.entries(rawEnv).filter(([name]) => !invalid.has(name))));
}

/** The sandbox starts only when nothing points the gateway at a real Loops. */
function isSandbox(env: Env): boolean {
  return !env.LOOPS_API_KEY && !env.LOOPS_API_BASE && !env.TENANTS_FILE;
}

function redisConfig(env: Env): Config['redis'] {
  if (env.REDIS_CLUSTER_NODES.length > 0) {
    const nodes = env.REDIS_CLUSTER_NODES.map((node) => {
      const [host = '', portText = ''] = node.split(':');
      return { host, port: Number(portText) };
    });
    return { kind: 'cluster', nodes, keyPrefix: env.REDIS_KEY_PREFIX };
  }
  if (env.REDIS_URL) return { kind: 'single', url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX };
  return { kind: 'memory' };
}

function readTenantsFile(
  path: string,
  readFile: ReadFile,
  defaults: Pick<TenantConfig, 'loops' | 'strictParams' | 'upcomingInvoiceDays'>,
  problems: string[],
): TenantConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(readFile(path));
  } catch (error) {
    problems.push(`TENANTS_FILE: cannot read ${path} as JSON (${(error as Error).message})`);
    return [];
  }
  const parsed = tenantsFileSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => `TENANTS_FILE ${i.path.join('.')}: ${i.message}`));
    return [];
  }
  return parsed.data.tenants.map((t) => {
    const loops = { apiBase: t.loopsApiBase ?? defaults.loops.apiBase, apiKey: t.loopsApiKey ?? defaults.loops.apiKey };
    if (!loops.apiKey) problems.push(`TENANTS_FILE tenant ${t.id}: loopsApiKey is required (or set LOOPS_API_KEY)`);
    return {
      id: t.id,
      apiKeys: t.apiKeys,
      loops,
      loopsWebhookSecret: t.loopsWebhookSecret,
      webhookSecrets: t.webhookSecrets,
      webhookEndpoints: t.webhookEndpoints,
      strictParams: t.strictParams ?? defaults.strictParams,
      upcomingInvoiceDays: t.upcomingInvoiceDays ?? defaults.upcomingInvoiceDays,
    };
  });
}

function checkTenants(tenants: TenantConfig[], env: Env): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const tenant of tenants) {
    if (ids.has(tenant.id)) problems.push(`tenant ${tenant.id}: defined twice`);
    ids.add(tenant.id);
    for (const key of tenant.apiKeys) {
      // Never echo the key itself: configuration errors end up in logs.
      if (keys.has(key)) problems.push(`tenant ${tenant.id}: an API key is shared with another tenant`);
      keys.add(key);
    }
    if (tenant.webhookEndpoints.length > 0 && tenant.webhookSecrets.length === 0) {
      problems.push(`tenant ${tenant.id}: webhook endpoints need STRIPE_WEBHOOK_SECRET (whsec_…) to sign events`);
    }
    for (const secret of tenant.webhookSecrets) {
      if (!secret.startsWith('whsec_')) problems.push(`tenant ${tenant.id}: webhook secrets must start with whsec_`);
    }
  }
  if (env.REDIS_CLUSTER_NODES.some((node) => !/^[^:]+:\d+$/.test(node))) {
    problems.push('REDIS_CLUSTER_NODES: expected comma-separated host:port entries');
  }
  return problems;
}

function retrySchedule(text: string, problems: string[]): number[] {
  try {
    return parseRetrySchedule(text);
  } catch (error) {
    problems.push(`WEBHOOK_RETRY_SCHEDULE: ${(error as Error).message}`);
    return [];
  }
}

function randomKey(prefix: string): string {
  return prefix + randomBytes(12).toString('hex');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
