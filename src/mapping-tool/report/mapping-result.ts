import type { SkipCode } from '../convert/skip-reasons';
import type { DuplicateFinding } from '../run/check-duplicates';
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
  /** Prices of this run with more than one live Loops product tagged (a race without a lock). */
  duplicates: DuplicateFinding[];
  notes: { priceId: string; note: string }[];
  /** The input or the run missed something (a truncated export, a check that could not run): exit 1. */
  warnings: string[];
  /** Worth saying, not a failure (e.g. an export holding only default prices). */
  notices: string[];
  /** No shared lock was held (no Redis): a concurrent run could have raced this one. */
  unlocked: boolean;
  /** Set when the run stopped early (Loops refused the credentials, interrupted, lock not obtained). */
  aborted: string | undefined;
  sink: SinkResult | undefined;
  mappingFile: string;
  seconds: number;
}

/**
 * Skips that say the catalog read was incomplete (an object that could not be read, a price that
 * came without its product), not that Loops cannot represent the price: the input needs fixing.
 */
export const INPUT_SKIPS: ReadonlySet<SkipCode> = new Set<SkipCode>(['unreadable', 'product_missing']);

/**
 * 3 when the run stopped early; 1 when anything needs the merchant's attention (docs/mappings.md "Retries, progress and the summary":
 * exit 1 when anything failed): failed prices, a failed Redis load, duplicate Loops
 * products, or an incomplete catalog (a truncated export, unreadable objects, prices without their
 * product); 0 when every price was mapped, kept, or skipped because Loops cannot represent it.
 */
export function exitCodeOf(result: MappingResult): number {
  if (result.aborted) return 3;
  if (result.failed.length > 0 || result.sink?.loadError) return 1;
  if (result.duplicates.length > 0 || result.warnings.length > 0) return 1;
  if (result.skipped.some((item) => INPUT_SKIPS.has(item.code))) return 1;
  return 0;
}

export function emptyCounts(total: number): ProgressCounts {
  return { total, created: 0, linked: 0, kept: 0, skipped: 0, failed: 0 };
}
