import { acquireRunLease } from '../mapping-tool/lock/run-lease';
import { mapCatalog } from '../mapping-tool/map-catalog';
import { exitCodeOf, type MappingResult } from '../mapping-tool/report/mapping-result';
import { createProgress, type Progress } from '../mapping-tool/report/progress';
import { renderSummary } from '../mapping-tool/report/summary';
import { catalogSource } from './catalog-source';
import { buildCliDeps } from './cli-deps';
import { parseCliEnv } from './cli-env';
import type { CommandIo } from './command-io';
import { MAP_USAGE, parseMapArgs } from './map-args';

/**
 * `map`: arguments and environment → dependencies built as the gateway builds them → the run →
 * the summary table and the exit status. Throws UsageError / LeaseBusyError for the entry to report.
 */
export async function runMapCommand(argv: string[], io: CommandIo, progress?: Progress): Promise<{ code: number; result?: MappingResult }> {
  const args = parseMapArgs(argv);
  if (args.help) {
    io.out(`${MAP_USAGE}\n`);
    return { code: 0 };
  }
  const env = parseCliEnv(io.env);
  const report = progress ?? createProgress(io.err, io.tty);
  const readCatalog = catalogSource(args, env, report);
  const deps = buildCliDeps(io.env, Math.max(16, args.concurrency * 2));
  try {
    const tenant = deps.tenant(args.tenant);
    const { redis } = deps;
    const result = await mapCatalog(
      {
        // One retry layer: the tool's own (`--max-attempts`, with a re-check before any repeated
        // create). The client's quick retries inside each attempt would multiply the POSTs per price.
        loops: deps.loopsFor(tenant, { maxAttempts: 1 }),
        readCatalog,
        store: args.noLoad ? undefined : deps.store,
        ...(redis
          ? {
              acquireLease: () =>
                acquireRunLease(redis, deps.keysFor(tenant.id).lock('map-products'), {
                  waitMs: args.lockWaitSeconds * 1000,
                  onWait: () => report.note('Another mapping run of this tenant is in progress; waiting for it to finish…'),
                }),
            }
          : {}),
        progress: report,
        printPlan: (text) => io.out(`${text}\n`),
        ...(io.stop ? { stop: io.stop } : {}),
      },
      {
        tenantId: tenant.id,
        mappingsDir: deps.config.mappingsDir,
        dryRun: args.dryRun,
        includeInactive: args.includeInactive,
        concurrency: args.concurrency,
        batchSize: args.batchSize,
        maxAttempts: args.maxAttempts,
      },
    );
    io.out(`${renderSummary(result)}\n`);
    return { code: exitCodeOf(result), result };
  } finally {
    await deps.close();
  }
}

export { MAP_USAGE };
