import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { loadConfig } from '../../src/config';
import { createContainer, type Container, type ContainerOptions } from '../../src/container';
import { createHttpServer } from '../../src/http/http-server';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import { writeMappingFile } from '../../src/mappings/mapping-files';
import { createLogger, type Logger } from '../../src/observability/logger';
import { createLoopsCatalog, type CatalogPrice } from './loops-catalog';

/** Obviously fake credentials: nothing in the tests is a real key. */
export const TEST_KEYS = {
  gateway: 'sk_test_gateway_contract_key_0001',
  otherTenant: 'sk_test_gateway_other_tenant_0002',
  loops: 'loops_test_key_not_real',
  loopsWebhook: 'loops_whsec_test_not_real',
  stripeWebhook: 'whsec_test_not_a_real_secret_1',
  stripeWebhookOld: 'whsec_test_not_a_real_secret_0',
} as const;

/**
 * Each tenant's own Loops webhook secret in a multi-tenant stack, so a webhook signed for one
 * tenant can be tried on another's path; the single-tenant stack (`default`) keeps
 * `TEST_KEYS.loopsWebhook`, which LOOPS_WEBHOOK_SECRET sets.
 */
export function loopsWebhookSecretFor(tenantId: string): string {
  return tenantId === 'default' ? TEST_KEYS.loopsWebhook : `loops_whsec_test_${tenantId}_not_real`;
}

export const DEFAULT_CATALOG: CatalogPrice[] = [
  { stripePriceId: 'price_tshirt', name: 'T-shirt', unitAmount: 2000, currency: 'usd' },
  { stripePriceId: 'price_mug', name: 'Mug', unitAmount: 1250, currency: 'usd' },
  { stripePriceId: 'price_poster', name: 'Poster', unitAmount: 500, currency: 'usd' },
  { stripePriceId: 'price_pro_monthly', name: 'Pro plan', unitAmount: 900, currency: 'usd', recurring: 'month' },
  { stripePriceId: 'price_yen', name: 'Tea set', unitAmount: 3500, currency: 'jpy' },
];

export interface StackOptions {
  catalog?: CatalogPrice[];
  env?: Record<string, string>;
  emulator?: Partial<EmulatorOptions>;
  /** Use in-memory stores instead of the test Redis. */
  memory?: boolean;
  /** Leave REDIS_URL out (a Redis Cluster test sets REDIS_CLUSTER_NODES in `env` instead). */
  omitRedisUrl?: boolean;
  /** Several tenants (TENANTS_FILE) instead of the single `default` tenant; each gets the catalog. */
  tenants?: {
    id: string;
    apiKeys: string[];
    webhookSecrets?: string[];
    webhookEndpoints?: { url: string; enabledEvents?: string[] }[];
    strictParams?: boolean;
  }[];
  /** Start the delivery worker, outbox drainer and expiry sweep (default true). */
  background?: boolean;
  /** The gateway's clock (ms); the expiry sweep test moves it forward. */
  now?: () => number;
  /** The gateway's logger (default: silent); the log scan passes one writing to memory. */
  logger?: Logger;
  /** Further container options (the §8 switches, a customer lookup). */
  container?: Pick<ContainerOptions, 'billingContract' | 'customers'>;
}

export interface Stack {
  url: string;
  port: number;
  emulator: RunningEmulator;
  container: Container;
  mappingsDir: string;
  stripe(options?: { key?: string; maxNetworkRetries?: number; timeout?: number }): Stripe;
  /** The environment the gateway was configured with (for CLIs run against the same stack). */
  env: Record<string, string>;
  loops: EmulatorAdmin;
  close(): Promise<void>;
}

/** The emulator's Loops API and admin API, for arranging and checking what Loops saw. */
export interface EmulatorAdmin {
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/**
 * The real stack in one process: Loops emulator, gateway (real Redis unless `memory`), mapping
 * file for a catalog of real Loops products. Each stack has its own Redis key prefix.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent', ...options.emulator });
  const loops = emulatorAdmin(emulator.url);
  const mappingsDir = mkdtempSync(join(tmpdir(), 'gw-mappings-'));
  const catalog = await createLoopsCatalog(emulator.url, TEST_KEYS.loops, options.catalog ?? DEFAULT_CATALOG);
  for (const tenant of options.tenants ?? [{ id: 'default' }]) await writeMappingFile(mappingsDir, tenant.id, catalog);
  const tenantsFile = join(mappingsDir, 'tenants.json');
  if (options.tenants) {
    const tenants = options.tenants.map((t) => ({ ...t, loopsApiKey: TEST_KEYS.loops, loopsWebhookSecret: loopsWebhookSecretFor(t.id) }));
    writeFileSync(tenantsFile, JSON.stringify({ tenants }));
  }

  const redisUrl = process.env.REDIS_URL;
  if (!options.memory && !options.omitRedisUrl && !redisUrl)
    throw new Error('REDIS_URL is not set: run the tests through jest (test/helpers/global-setup.ts)');
  const env: Record<string, string> = {
    ...(options.tenants ? { TENANTS_FILE: tenantsFile } : { GATEWAY_API_KEYS: TEST_KEYS.gateway }),
    LOOPS_API_BASE: emulator.url,
    LOOPS_API_KEY: TEST_KEYS.loops,
    MAPPINGS_DIR: mappingsDir,
    LOOPS_TIMEOUT_MS: '1500',
    LOOPS_WEBHOOK_SECRET: TEST_KEYS.loopsWebhook,
    WEBHOOK_RETRY_SCHEDULE: '200ms,400ms,800ms',
    // Suites send bursts with one key; the rate limit has its own test.
    RATE_LIMIT_PER_SECOND: '0',
    LOG_LEVEL: 'silent',
    ...(options.memory
      ? {}
      : { ...(options.omitRedisUrl ? {} : { REDIS_URL: redisUrl }), REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}` }),
    ...options.env,
  };
  const config = loadConfig(env);
  const container = createContainer(config, {
    logger: options.logger ?? createLogger('silent'),
    ...(options.now ? { now: options.now } : {}),
    ...options.container,
  });
  await container.loadMappings();
  if (options.background !== false) container.startBackground();
  // Built as main.ts builds it: the same request deadlines and malformed-HTTP answers.
  const { server } = createHttpServer(container.app.callback(), config.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Loops' webhooks come to this gateway (tenant `default`, or each tenant's own path and secret).
  const targets = (options.tenants ?? [{ id: 'default' }]).map((t) => ({
    url: `http://127.0.0.1:${port}/webhooks/loops${options.tenants ? `/${t.id}` : ''}`,
    secret: options.tenants ? loopsWebhookSecretFor(t.id) : TEST_KEYS.loopsWebhook,
  }));
  await loops.admin('PUT', '/_emulator/webhooks', { targets });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    emulator,
    container,
    mappingsDir,
    env,
    loops,
    stripe: ({ key = TEST_KEYS.gateway, maxNetworkRetries, timeout } = {}) =>
      new Stripe(key, {
        host: '127.0.0.1',
        port,
        protocol: 'http',
        telemetry: false,
        ...(maxNetworkRetries === undefined ? {} : { maxNetworkRetries }),
        ...(timeout ? { timeout } : {}),
      }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await container.close();
      await emulator.close();
      rmSync(mappingsDir, { recursive: true, force: true });
    },
  };
}

/**
 * A stack for the suite this is called in: started in its `beforeAll`, closed in its `afterAll`
 * (hooks run in the order declared, so a hook declared before this sees no stack yet, and one
 * declared after it runs with the stack started, and before it closes). Answers the stack itself,
 * read through to the started one: `const stack = useStack(); … stack.stripe()` inside hooks and
 * tests; reading it outside them throws. `options` as a function is read when the stack starts,
 * for options made by an earlier hook (a webhook receiver's URL).
 */
export function useStack(options: StackOptions | (() => StackOptions) = {}): Stack {
  let started: Stack | undefined;
  beforeAll(async () => {
    started = await startStack(typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    const stack = started;
    started = undefined;
    await stack?.close();
  });
  return new Proxy({} as Stack, {
    get(_target, property) {
      if (!started) throw new Error(`useStack(): stack.${String(property)} read outside the suite's hooks and tests`);
      return Reflect.get(started, property);
    },
  });
}

/** Another gateway instance of a stack: same configuration, so the same Redis prefix and Loops emulator. */
export interface GatewayInstance {
  url: string;
  stripe(options?: { maxNetworkRetries?: number }): Stripe;
  close(): Promise<void>;
}

export async function startAnotherInstance(stack: Stack): Promise<GatewayInstance> {
  const config = loadConfig(stack.env);
  const container = createContainer(config, { logger: createLogger('silent') });
  const { server } = createHttpServer(container.app.callback(), config.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stripe: ({ maxNetworkRetries } = {}) =>
      new Stripe(TEST_KEYS.gateway, {
        host: '127.0.0.1',
        port,
        protocol: 'http',
        telemetry: false,
        ...(maxNetworkRetries === undefined ? {} : { maxNetworkRetries }),
      }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await container.close();
    },
  };
}

export function emulatorAdmin(url: string): EmulatorAdmin {
  const send = async (method: string, path: string, body: unknown, auth: boolean) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${TEST_KEYS.loops}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  };
  return { api: (method, path, body) => send(method, path, body, true), admin: (method, path, body) => send(method, path, body, false) };
}
