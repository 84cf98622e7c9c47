import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMappingFile } from '../../../src/mappings/mapping-files';
import { createLoopsCatalog } from '../../../test/helpers/loops-catalog';
import {
  deletePrefix,
  startEmulatorProcess,
  startGatewayProcess,
  startProxyProcess,
  startRedis,
  type BenchServer,
  type SeedProduct,
} from '../../harness';

/** Obviously fake credentials, loopback only. */
const KEYS = { gateway: 'sk_test_bench_gateway_key', loops: 'loops_bench_key_not_real' } as const;
const STRIPE_PRICE = 'price_bench_tshirt';

export interface CreateSessionStack {
  gateway: BenchServer;
  proxy: BenchServer;
  emulator: BenchServer;
  gatewayApiKey: string;
  stripePriceId: string;
  /** The catalog as the emulator must hold it before each phase (see resetEmulator). */
  products: SeedProduct[];
  redis: { url: string; external: boolean };
  stop(): Promise<void>;
}

/**
 * Redis, the emulator, the gateway and the pass-through proxy, each in its own process, with one
 * Stripe price mapped to a real Loops product (created through the Loops API, as `npm run map` does).
 */
export async function startCreateSessionStack(
  build: { gatewayMain: string; emulatorMain: string },
  options: { cpuProfileDir?: string } = {},
): Promise<CreateSessionStack> {
  const started: { stop(): Promise<void> }[] = [];
  const mappingsDir = mkdtempSync(join(tmpdir(), 'gw-bench-mappings-'));
  const keyPrefix = `bench-${randomBytes(6).toString('hex')}`;
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    rmSync(mappingsDir, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    // A shared REDIS_URL keeps running after the bench: remove the keys it wrote (its own prefix).
    started.push(redis.external ? { stop: () => deletePrefix(redis.url, keyPrefix) } : redis);
    const emulator = await startEmulatorProcess(build.emulatorMain, KEYS.loops);
    started.push(emulator);

    const catalog = await createLoopsCatalog(emulator.url, KEYS.loops, [
      { stripePriceId: STRIPE_PRICE, name: 'Bench T-shirt', unitAmount: 2000, currency: 'usd' },
    ]);
    await writeMappingFile(mappingsDir, 'default', catalog);
    const entry = catalog.prices[STRIPE_PRICE];
    if (!entry?.loopsProductId || !entry.loopsPriceId) throw new Error('the bench catalog has no Loops product/price id');
    const products: SeedProduct[] = [
      {
        id: entry.loopsProductId,
        defaultPriceId: entry.loopsPriceId,
        name: entry.productName,
        priceAmount: entry.unitAmount,
        priceCurrency: entry.currency,
      },
    ];

    const gateway = await startGatewayProcess(build.gatewayMain, {
      redisUrl: redis.url,
      redisKeyPrefix: keyPrefix,
      loopsApiBase: emulator.url,
      loopsApiKey: KEYS.loops,
      gatewayApiKey: KEYS.gateway,
      mappingsDir,
      nodeArgs: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    });
    started.push(gateway);
    const proxy = await startProxyProcess({ loopsApiBase: emulator.url, loopsApiKey: KEYS.loops, loopsPriceId: entry.loopsPriceId });
    started.push(proxy);
    return { gateway, proxy, emulator, gatewayApiKey: KEYS.gateway, stripePriceId: STRIPE_PRICE, products, redis, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
