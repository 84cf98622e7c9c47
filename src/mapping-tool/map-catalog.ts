import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopsClient } from '../loops/loops-client';
import { isLoopsError } from '../loops/loops-error';
import { mappingFilePath, readMappingFile } from '../mappings/mapping-files';
import type { MappingStore } from '../store/mapping-store';
import type { Catalog } from './catalog/catalog';
import type { RunLease } from './lock/run-lease';
import { loadLoopsIndex, type LoopsIndex } from './loops/loops-index';
import { preparePlan, resolvePlan } from './plan/plan';
import { emptyCounts, type MappingResult } from './report/mapping-result';
import { tallyPlan } from './report/tally-plan';
import { renderPlan } from './report/plan-listing';
import type { Progress } from './report/progress';
import { credentialsHint, type CreateItem } from './run/create-product';
import { createMappingSink } from './run/mapping-sink';
import { runCreates } from './run/run-creates';

export interface MapCatalogOptions {
  tenantId: string;
  mappingsDir: string;
  dryRun: boolean;
  includeInactive: boolean;
  concurrency: number;
  batchSize: number;
  maxAttempts: number;
}

export interface MapCatalogDeps {
  loops: LoopsClient;
  readCatalog(): Promise<{ catalog: Catalog; warnings: string[] }>;
  /** Undefined: do not load into a shared store (`--no-load`, or no Redis). */
  store: MappingStore | undefined;
  /** Undefined: no shared lock (no Redis); the Idempotency-Key and the re-check still apply. */
  acquireLease?: () => Promise<RunLease>;
  progress: Progress;
  /** Where `--dry-run` prints its plan. */
  printPlan(text: string): void;
  /** Aborted on SIGINT: no new price starts; what is running finishes and is written. */
  stop?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

export const MAP_DEFAULTS = { concurrency: 8, batchSize: 100 } as const;

/** The batch tool (product.md "The batch product mapping tool"): read, plan, create, write, load. */
export async function mapCatalog(deps: MapCatalogDeps, options: MapCatalogOptions): Promise<MappingResult> {
  const started = performance.now();
  const result: MappingResult = {
    tenantId: options.tenantId,
    dryRun: options.dryRun,
    counts: emptyCounts(0),
    created: [],
    linked: [],
    planned: [],
    skipped: [],
    failed: [],
    notes: [],
    warnings: [],
    aborted: undefined,
    sink: undefined,
    mappingFile: mappingFilePath(options.mappingsDir, options.tenantId),
    seconds: 0,
  };
  const lease = options.dryRun ? undefined : await deps.acquireLease?.();
  try {
    deps.progress.phase('Reading the Stripe catalog…');
    const read = await attempt('could not read the Stripe catalog', deps.readCatalog);
    if (!read.ok) return stopped(result, read.problem);
    result.warnings.push(...read.value.warnings);
    const file = await attempt('the mapping file cannot be used', () => readMappingFile(options.mappingsDir, options.tenantId));
    if (!file.ok) return stopped(result, file.problem);
    const existing = file.value;
    const prepared = preparePlan(read.value.catalog, existing, options.includeInactive);
    let index: LoopsIndex | undefined;
    if (prepared.candidates.length > 0) {
      deps.progress.phase(`Listing Loops products to find ones already made for ${prepared.candidates.length} price(s)…`);
      // Without the listing the tool cannot know what exists, so it must not create anything.
      const listed = await attempt('could not list the Loops products', () => loadLoopsIndex(deps.loops));
      if (!listed.ok) return stopped(result, listed.problem);
      index = listed.value;
    }
    const items = resolvePlan(prepared, index ?? { find: () => [] });
    tallyPlan(items, result);
    if (options.dryRun) {
      deps.printPlan(renderPlan(items));
      return result;
    }

    const sink = createMappingSink({
      dir: options.mappingsDir,
      tenantId: options.tenantId,
      file: existing,
      store: deps.store,
      batchSize: options.batchSize,
    });
    sink.setProducts(prepared.products);
    for (const item of items) if (item.action === 'link') await sink.add(item.priceId, item.entry);
    // Links first: from here on a crash loses nothing already found.
    await sink.flush();
    const creates = items.filter((item): item is CreateItem => item.action === 'create');
    if (index && creates.length > 0) {
      const stops = [deps.stop, lease?.lost].filter((signal): signal is AbortSignal => signal !== undefined);
      deps.progress.phase(`Creating ${creates.length} Loops product(s), ${options.concurrency} at a time…`);
      await runCreates(creates, result, {
        ...options,
        index,
        loops: deps.loops,
        sink,
        progress: deps.progress,
        sleep: deps.sleep ?? ((ms) => sleep(ms)),
        stop: stops.length > 0 ? AbortSignal.any(stops) : undefined,
      });
    }
    result.sink = await sink.finish();
    return result;
  } finally {
    await lease?.release();
    if (!options.dryRun) deps.progress.finish(result.counts);
    result.seconds = (performance.now() - started) / 1000;
  }
}

async function attempt<T>(what: string, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; problem: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const hint = isLoopsError(error) ? credentialsHint(error.failure) : '';
    return { ok: false, problem: `${what}: ${(error as Error).message}${hint}` };
  }
}

function stopped(result: MappingResult, problem: string): MappingResult {
  result.aborted = problem;
  return result;
}
