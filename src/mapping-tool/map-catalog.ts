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
import { createReadRetry } from './loops/read-retry';
import { checkDuplicates } from './run/check-duplicates';
import { credentialsHint, type CreateItem } from './run/create-product';
import { createMappingSink, type MappingSink } from './run/mapping-sink';
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
  /** Best without retries of its own (`maxAttempts: 1`): the tool's retries are the only layer. */
  loops: LoopsClient;
  readCatalog(): Promise<{ catalog: Catalog; warnings: string[]; notices?: string[] }>;
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

/** The batch tool (docs/mappings.md): read, plan, create, write, load. */
export async function mapCatalog(deps: MapCatalogDeps, options: MapCatalogOptions): Promise<MappingResult> {
  const started = performance.now();
  const result: MappingResult = {
    tenantId: options.tenantId,
    dryRun: options.dryRun,
    counts: emptyCounts(0),
    created: [],
    duplicates: [],
    linked: [],
    planned: [],
    skipped: [],
    failed: [],
    notes: [],
    warnings: [],
    notices: [],
    unlocked: !deps.acquireLease,
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
    result.notices.push(...(read.value.notices ?? []));
    const file = await attempt('the mapping file cannot be used', () => readMappingFile(options.mappingsDir, options.tenantId));
    if (!file.ok) return stopped(result, file.problem);
    const existing = file.value;
    const prepared = preparePlan(read.value.catalog, existing, options.includeInactive);
    const wait = deps.sleep ?? ((ms: number) => sleep(ms));
    let index: LoopsIndex | undefined;
    if (prepared.candidates.length > 0) {
      deps.progress.phase(`Listing Loops products to find ones already made for ${prepared.candidates.length} price(s)…`);
      const retry = createReadRetry({
        maxAttempts: options.maxAttempts,
        sleep: wait,
        onRetry: (attempt, problem, delayMs) =>
          deps.progress.note(`retrying the Loops listing (attempt ${attempt} of ${options.maxAttempts}) in ${delayMs} ms: ${problem}`),
      });
      // Without the listing the tool cannot know what exists, so it must not create anything.
      const listed = await attempt('could not list the Loops products', () => loadLoopsIndex(deps.loops, undefined, retry));
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
      if (result.unlocked) deps.progress.note(`Warning: ${UNLOCKED_WARNING}`);
      deps.progress.phase(`Creating ${creates.length} Loops product(s), ${options.concurrency} at a time…`);
      await runCreates(creates, result, {
        ...options,
        index,
        loops: deps.loops,
        sink,
        progress: deps.progress,
        sleep: wait,
        stop: stops.length > 0 ? AbortSignal.any(stops) : undefined,
      });
      if (result.created.length > 0 && !result.aborted) await settleDuplicates(index, sink, result, deps);
    }
    result.sink = await sink.finish();
    return result;
  } finally {
    await lease?.release();
    if (!options.dryRun) deps.progress.finish(result.counts);
    result.seconds = (performance.now() - started) / 1000;
  }
}

/** Said before creating without a lock, so that whoever runs it can stop and set REDIS_URL. */
const UNLOCKED_WARNING =
  'no shared lock (REDIS_URL is not set): a second run of this tenant at the same time, against a Loops that ignores ' +
  'Idempotency-Key, can make duplicate Loops products. This run lists Loops again afterwards and reports any.';

/**
 * Lists Loops again for the prices this run created or linked: a run racing this one without a
 * shared lock may have made products for the same prices (if Loops ignored the Idempotency-Key).
 * The file is pointed at the canonical product, the same one every run picks, and the others are
 * reported (exit 1): they are live products the merchant should archive.
 */
async function settleDuplicates(index: LoopsIndex, sink: MappingSink, result: MappingResult, deps: MapCatalogDeps): Promise<void> {
  deps.progress.phase('Listing Loops again to check for duplicate products…');
  try {
    await index.relist();
  } catch (error) {
    const problem = `could not list Loops again to check for duplicate products (${(error as Error).message}); run \`npm run mappings -- verify\``;
    // Without a lock a race is possible and went unchecked: that needs a look. With one, it is a formality.
    (result.unlocked ? result.warnings : result.notices).push(problem);
    return;
  }
  const priceIds = [...result.created.map((item) => item.priceId), ...result.linked.map((item) => item.priceId)];
  const check = checkDuplicates(priceIds, sink.file().prices, (priceId) => index.find(priceId));
  for (const { priceId, entry } of check.rewrites) {
    await sink.add(priceId, entry);
    for (const item of [...result.created, ...result.linked]) if (item.priceId === priceId) item.loopsProductId = entry.loopsProductId ?? '';
  }
  result.duplicates.push(...check.findings);
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
