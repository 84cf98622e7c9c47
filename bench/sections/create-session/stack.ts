import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMappingFile } from '../../../src/mappings/mapping-files';
import { createLoopsCatalog } from '../../../test/helpers/loops-catalog';
import {
  deletePrefix,
  leanSessionsCreated,
  resetEmulator,
  resetLeanLoops,
  sessionsCreated,
  startEmulatorProcess,
  startGatewayProcess,
  startLeanLoopsProcess,
  startMinimalStackProcess,
  startProxyProcess,
  startRedis,
  type BenchServer,
  type SeedProduct,
} from '../../harness';

/** Obviously fake credentials, loopback only. */
const KEYS = { gateway: 'sk_test_bench_gateway_key', loops: 'loops_bench_key_not_real' } as const;
const STRIPE_PRICE = 'price_bench_tshirt';
const PRICE = { unitAmount: 2000, currency: 'usd' } as const;

export type UpstreamName = 'lean' | 'emulator';

/** One Loops upstream with the gateway and the pass-through proxy in front of it. */
export interface UpstreamPair {
  upstream: UpstreamName;
  /** The Loops side: the emulator or bench/lean-loops.ts. */
  loops: BenchServer;
  gateway: BenchServer;
  proxy: BenchServer;
  /** The lean upstream only: bench/minimal-stack.ts, the floor under the gateway's create (issue 13). */
  floor?: BenchServer;
  /** Puts the upstream back to its state before a measured phase (the emulator: empty, catalog re-seeded). */
  reset(): Promise<void>;
  /** Loops sessions the upstream made since its last reset. */
  sessionsCreated(): Promise<number>;
}

export interface CreateSessionStack {
  /** The lean upstream first (the headline), then the emulator. */
  pairs: UpstreamPair[];
  gatewayApiKey: string;
  stripePriceId: string;
  redis: { url: string; external: boolean };
  stop(): Promise<void>;
}

/**
 * Redis, the emulator, the lean upstream, and for each upstream a gateway and a pass-through
 * proxy, each in its own process, with one Stripe price mapped to a real Loops product (created
 * through the emulator's Loops API, as `npm run map` does; the lean upstream answers any product).
 * The lean upstream also gets the minimal stack (bench/minimal-stack.ts), the floor under a create.
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
    const lean = await startLeanLoopsProcess({ amountTotal: PRICE.unitAmount, currency: PRICE.currency });
    started.push(lean);

    const catalog = await createLoopsCatalog(emulator.url, KEYS.loops, [{ stripePriceId: STRIPE_PRICE, name: 'Bench T-shirt', ...PRICE }]);
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
    const loopsPriceId = entry.loopsPriceId;

    const pairFor = async (loops: BenchServer, profile: boolean) => {
      const gateway = await startGatewayProcess(build.gatewayMain, {
        redisUrl: redis.url,
        redisKeyPrefix: keyPrefix,
        loopsApiBase: loops.url,
        loopsApiKey: KEYS.loops,
        gatewayApiKey: KEYS.gateway,
        mappingsDir,
        nodeArgs: profile && options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
      });
      started.push(gateway);
      const proxy = await startProxyProcess({ loopsApiBase: loops.url, loopsApiKey: KEYS.loops, loopsPriceId });
      started.push(proxy);
      return { gateway, proxy };
    };

    // Its keys under the run's prefix, so a shared REDIS_URL is cleaned of them too.
    const floor = await startMinimalStackProcess({ loopsApiBase: lean.url, redisUrl: redis.url, redisKeyPrefix: `${keyPrefix}:floor` });
    started.push(floor);
    const leanPair: UpstreamPair = {
      upstream: 'lean',
      loops: lean,
      // The headline gateway is the one profiled (BENCH_CREATE_CPU_PROF).
      ...(await pairFor(lean, true)),
      floor,
      reset: () => resetLeanLoops(lean.url),
      sessionsCreated: () => leanSessionsCreated(lean.url),
    };
    const emulatorPair: UpstreamPair = {
      upstream: 'emulator',
      loops: emulator,
      ...(await pairFor(emulator, false)),
      reset: () => resetEmulator(emulator.url, products),
      sessionsCreated: () => sessionsCreated(emulator.url),
    };
    return { pairs: [leanPair, emulatorPair], gatewayApiKey: KEYS.gateway, stripePriceId: STRIPE_PRICE, redis, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
