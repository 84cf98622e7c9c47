import type { CreatedFilter } from '../stripe/params/list-params';

/**
 * A `created` filter (seconds) as the score range (ms, inclusive) of the list indexes, whose
 * scores are created times in ms: second s spans s × 1000 … s × 1000 + 999. Every record read is
 * still checked against the filter itself; the range only keeps the walk inside it.
 */
export function createdScoreRange(filter: CreatedFilter | undefined): { minScore?: number; maxScore?: number } {
  if (filter === undefined) return {};
  if (typeof filter === 'number') return { minScore: filter * 1000, maxScore: filter * 1000 + 999 };
  const { gt, gte, lt, lte } = filter;
  return {
    minScore: Math.max(gt === undefined ? -Infinity : (gt + 1) * 1000, gte === undefined ? -Infinity : gte * 1000),
    maxScore: Math.min(lt === undefined ? Infinity : lt * 1000 - 1, lte === undefined ? Infinity : lte * 1000 + 999),
  };
}
