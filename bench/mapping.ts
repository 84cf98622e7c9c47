import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { startEmulator } from '../src/emulator';
import { createLoopsClient } from '../src/loops/loops-client';
import { readCatalogFromStripe } from '../src/mapping-tool/catalog/read-catalog-api';
import { MAP_DEFAULTS, mapCatalog } from '../src/mapping-tool/map-catalog';
import type { MappingResult } from '../src/mapping-tool/report/mapping-result';
import { silentProgress } from '../src/mapping-tool/report/progress';
import { MAP_RETRY } from '../src/mapping-tool/run/create-retry-policy';
import { createLogger } from '../src/observability/logger';
import { createMemoryMappingStore } from '../src/store/memory-mapping-store';
import { bulkCatalog } from '../test/helpers/stripe-catalog-fixtures';
import { startStripeCatalogServer, STRIPE_CATALOG_KEY } from '../test/helpers/stripe-catalog-server';

export interface MappingBenchResult {
  prices: number;
  concurrency: number;
  /** Prices mapped per second in the first run (read Stripe, list Loops, create, write, load). */
  pricesPerSecond: number;
  firstRunSeconds: number;
  /** The same catalog again: everything is kept, nothing is created. */
  noopRunSeconds: number;
}

const LOOPS_KEY = 'loops_bench_key_not_real';

/**
 * The mapping tool's benchmark (issue "Batch product mapping tool"): `prices` Stripe prices read
 * through stripe-node from a Stripe-compatible catalog server, mapped against an in-process Loops
 * emulator with the default concurrency, written to a mapping file and loaded into a store; then
 * the no-op second run. Targets: ≤ 60 s first run, ≤ 10 s no-op run for 10,000 prices.
 */
export async function benchMapping(options: { prices?: number } = {}): Promise<MappingBenchResult> {
  const prices = options.prices ?? 10_000;
  const emulator = await startEmulator({ port: 0, apiKeys: [LOOPS_KEY], logLevel: 'silent' });
  const stripe = await startStripeCatalogServer(bulkCatalog(prices, 4, 'bench'));
  const mappingsDir = mkdtempSync(join(tmpdir(), 'bench-mapping-'));
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: MAP_DEFAULTS.concurrency * 2 });
  const logger = createLogger('warn');
  const loops = createLoopsClient({ apiBase: emulator.url, apiKey: LOOPS_KEY, timeoutMs: 10_000, dispatcher, logger });
  const store = createMemoryMappingStore();

  const run = (): Promise<MappingResult> =>
    mapCatalog(
      {
        loops,
        readCatalog: async () => ({
          catalog: await readCatalogFromStripe({ secretKey: STRIPE_CATALOG_KEY, host: stripe.host, includeInactive: false }),
          warnings: [],
        }),
        store,
        progress: silentProgress,
        printPlan: () => {},
      },
      {
        tenantId: 'default',
        mappingsDir,
        dryRun: false,
        includeInactive: false,
        concurrency: MAP_DEFAULTS.concurrency,
        batchSize: MAP_DEFAULTS.batchSize,
        maxAttempts: MAP_RETRY.maxAttempts,
      },
    );

  try {
    const first = await run();
    if (first.counts.created !== prices || first.counts.failed !== 0)
      throw new Error(`first run mapped ${first.counts.created}/${prices} (${first.counts.failed} failed)`);
    const second = await run();
    if (second.counts.kept !== prices || second.counts.created !== 0) throw new Error(`no-op run created ${second.counts.created}`);
    return {
      prices,
      concurrency: MAP_DEFAULTS.concurrency,
      pricesPerSecond: Math.round(prices / first.seconds),
      firstRunSeconds: Number(first.seconds.toFixed(2)),
      noopRunSeconds: Number(second.seconds.toFixed(2)),
    };
  } finally {
    await dispatcher.close();
    await stripe.close();
    await emulator.close();
    rmSync(mappingsDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchMapping().then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
