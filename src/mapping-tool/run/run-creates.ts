import type { LoopsClient } from '../../loops/loops-client';
import type { LoopsIndex } from '../loops/loops-index';
import { entryFromLoops } from '../plan/entry-from-loops';
import type { MappingResult } from '../report/mapping-result';
import type { Progress } from '../report/progress';
import { forEachBounded } from './bounded-pool';
import { createProduct, MappingAbort, type CreateDeps, type CreateItem } from './create-product';
import type { MappingSink } from './mapping-sink';

export interface RunCreatesDeps {
  tenantId: string;
  concurrency: number;
  maxAttempts: number;
  index: LoopsIndex;
  loops: LoopsClient;
  sink: MappingSink;
  progress: Progress;
  sleep(ms: number): Promise<void>;
  stop: AbortSignal | undefined;
}

/**
 * Creates the planned Loops products, `concurrency` at a time, recording each result in `result`
 * and in the sink (which writes the file after every batch). Loops refusing the credentials, or
 * `stop`, ends the run early; every finished create is still written.
 */
export async function runCreates(creates: CreateItem[], result: MappingResult, deps: RunCreatesDeps): Promise<void> {
  const createDeps: CreateDeps = {
    tenantId: deps.tenantId,
    loops: deps.loops,
    index: deps.index,
    maxAttempts: deps.maxAttempts,
    sleep: deps.sleep,
    onRetry: (priceId, attempt, problem, delayMs) =>
      deps.progress.note(`retrying ${priceId} (attempt ${attempt} of ${deps.maxAttempts}) in ${delayMs} ms: ${problem}`),
  };
  try {
    await forEachBounded(
      creates,
      deps.concurrency,
      async (item) => {
        const outcome = await createProduct(item, createDeps);
        if (outcome.kind === 'created') {
          result.counts.created++;
          result.created.push({
            priceId: item.priceId,
            loopsProductId: outcome.product.id,
            label: item.label,
            foundOnRecheck: outcome.foundOnRecheck,
          });
          await deps.sink.add(item.priceId, entryFromLoops(item.draft, outcome.product));
        } else {
          result.counts.failed++;
          result.failed.push({ priceId: item.priceId, reason: outcome.reason });
        }
        deps.progress.update(result.counts);
      },
      deps.stop,
    );
  } catch (error) {
    if (!(error instanceof MappingAbort)) throw error;
    result.aborted = error.message;
  }
  if (deps.stop?.aborted && !result.aborted) {
    const reason: unknown = deps.stop.reason;
    result.aborted = reason instanceof Error ? reason.message : 'interrupted';
  }
}
