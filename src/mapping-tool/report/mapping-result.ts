import type { SkipCode } from '../convert/skip-reasons';
import type { SinkResult } from '../run/mapping-sink';
import type { ProgressCounts } from './progress';

/** Everything a run did, for the summary table, the exit code, tests and the benchmark. */
export interface MappingResult {
  tenantId: string;
  dryRun: boolean;
  counts: ProgressCounts;
  created: { priceId: string; loopsProductId: string; label: string; foundOnRecheck: boolean }[];
  linked: { priceId: string; loopsProductId: string }[];
  /** In a dry run: what would be created. */
  planned: { priceId: string; label: string }[];
  skipped: { priceId: string; code: SkipCode; reason: string }[];
  failed: { priceId: string; reason: string }[];
  notes: { priceId: string; note: string }[];
  warnings: string[];
  /** Set when the run stopped early (Loops refused the credentials, interrupted, lock not obtained). */
  aborted: string | undefined;
  sink: SinkResult | undefined;
  mappingFile: string;
  seconds: number;
}

/** Non-zero when anything failed or the run stopped early (product.md: "a non-zero exit when anything failed"). */
export function exitCodeOf(result: MappingResult): number {
  if (result.aborted) return 3;
  if (result.failed.length > 0 || result.sink?.loadError) return 1;
  return 0;
}

export function emptyCounts(total: number): ProgressCounts {
  return { total, created: 0, linked: 0, kept: 0, skipped: 0, failed: 0 };
}
