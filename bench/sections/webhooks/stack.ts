import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMappingFile } from '../../../src/mappings/mapping-files';
import { createLoopsCatalog } from '../../../test/helpers/loops-catalog';
import { deletePrefix, startEmulatorProcess, startGatewayProcess, startRedis, type BenchServer } from '../../harness';
import { startReceiverProcess, type WebhookReceiver } from './receiver-process';

/** Obviously fake credentials, loopback only. */
export const KEYS = {
  gateway: 'sk_test_bench_gateway_key',
  loops: 'loops_bench_key_not_real',
  loopsWebhook: 'loops_bench_webhook_secret_not_real',
  stripeWebhook: 'whsec_bench_stripe_webhook_secret_not_real',
} as const;
const STRIPE_PRICE = 'price_bench_tshirt';

/**
 * Retries a few seconds apart instead of the production schedule (first retry after 1 min): a
 * failed attempt then shows up as a late delivery inside the bench's window, not as a lost event.
 */
export const BENCH_RETRY_SCHEDULE = '1s,2s,5s,10s,20s';

export interface WebhookStack {
  gateway: BenchServer;
  emulator: BenchServer;
  receiver: WebhookReceiver;
  gatewayApiKey: string;
  stripePriceId: string;
  redis: { url: string; external: boolean };
  /** What the gateway was started with beyond the create-session section's settings. */
  gatewayEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Redis, the emulator (no webhook targets: the bench plays Loops), the receiver and ONE gateway,
 * each in its own process, with one Stripe price mapped to a real Loops product.
 */
export async function startWebhookStack(
  build: { gatewayMain: string; emulatorMain: string },
  options: { cpuProfileDir?: string } = {},
): Promise<WebhookStack> {
  const started: { stop(): Promise<void> }[] = [];
  const mappingsDir = mkdtempSync(join(tmpdir(), 'gw-bench-webhooks-'));
  const keyPrefix = `bench-${randomBytes(6).toString('hex')}`;
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    rmSync(mappingsDir, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    started.push(redis.external ? { stop: () => deletePrefix(redis.url, keyPrefix) } : redis);
    const emulator = await startEmulatorProcess(build.emulatorMain, KEYS.loops);
    started.push(emulator);
    const receiver = await startReceiverProcess(KEYS.stripeWebhook);
    started.push(receiver);

    const catalog = await createLoopsCatalog(emulator.url, KEYS.loops, [
      { stripePriceId: STRIPE_PRICE, name: 'Bench T-shirt', unitAmount: 2000, currency: 'usd' },
    ]);
    await writeMappingFile(mappingsDir, 'default', catalog);

    const gatewayEnv = {
      LOOPS_WEBHOOK_SECRET: KEYS.loopsWebhook,
      STRIPE_WEBHOOK_SECRET: KEYS.stripeWebhook,
      WEBHOOK_ENDPOINTS: receiver.webhookUrl,
      WEBHOOK_RETRY_SCHEDULE: BENCH_RETRY_SCHEDULE,
      // The per-key limit guards /v1 only (not /webhooks/loops, which is measured); off, so the
      // untimed setup creates its sessions at full speed instead of at the limit's pace.
      RATE_LIMIT_PER_SECOND: '0',
    };
    const gateway = await startGatewayProcess(build.gatewayMain, {
      redisUrl: redis.url,
      redisKeyPrefix: keyPrefix,
      loopsApiBase: emulator.url,
      loopsApiKey: KEYS.loops,
      gatewayApiKey: KEYS.gateway,
      mappingsDir,
      env: gatewayEnv,
      nodeArgs: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    });
    started.push(gateway);
    return { gateway, emulator, receiver, gatewayApiKey: KEYS.gateway, stripePriceId: STRIPE_PRICE, redis, gatewayEnv, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
