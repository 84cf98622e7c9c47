import type { OrderedSource } from './rank-scan';
import type { CreatedRange, SearchPage } from './subscription-store';

/** What a sorted index (Redis ZSET or its in-memory twin) answers, newest (highest score) first. */
export interface SortedIndex<T> {
  /** Entries with a score in [min, max] (either bound open when undefined). */
  count(min: number | undefined, max: number | undefined): Promise<number>;
  /** Rank of a member, 0 = highest score; undefined when absent. */
  rank(member: string): Promise<number | undefined>;
  /** Members at ranks start..stop inclusive. */
  members(start: number, stop: number): Promise<string[]>;
  load(members: string[]): Promise<(T | undefined)[]>;
}

/**
 * An index seen through a `created` range as list-scan.ts's OrderedSource: ranks count from the
 * newest entry inside the range, so a `created` filter costs two counts, not a walk over every
 * newer entry. A cursor outside the range keeps its relative rank (before or after the window).
 */
export async function rangedSource<T>(index: SortedIndex<T>, range: CreatedRange = {}): Promise<OrderedSource<T>> {
  const first = range.max === undefined ? 0 : await index.count(range.max + 1, undefined);
  const last = range.min === undefined ? Number.POSITIVE_INFINITY : (await index.count(range.min, undefined)) - 1;
  return {
    rankOf: async (id) => {
      const rank = await index.rank(id);
      return rank === undefined ? undefined : rank - first;
    },
    range: async (start, stop) => {
      const from = Math.max(0, start) + first;
      const to = Math.min(stop + first, last);
      if (from > to) return [];
      const members = await index.members(from, to);
      return members.length === 0 ? [] : index.load(members);
    },
  };
}

const CHUNK = 100;

/**
 * A search page (docs/stripe-billing-contract.md §0.9): matches from just after `afterId`, at most
 * `limit`, looking at no more than `maxExamined` records, so a query nothing matches costs a
 * bounded amount per page instead of a walk over the tenant's history. Stripe's search pages the
 * same way (a page may hold fewer results than the limit while `has_more` is true).
 */
export async function searchPage<T>(
  index: SortedIndex<T>,
  scan: { afterId?: string; limit: number; maxExamined: number; matches: (record: T) => boolean },
): Promise<SearchPage<T>> {
  let start = 0;
  if (scan.afterId !== undefined) {
    const rank = await index.rank(scan.afterId);
    // A token naming nothing here (the record left the index) starts over rather than failing.
    start = rank === undefined ? 0 : rank + 1;
  }
  const records: T[] = [];
  let examined = 0;
  for (;;) {
    const take = Math.min(CHUNK, scan.maxExamined - examined);
    const ids = await index.members(start, start + take - 1);
    const chunk = ids.length === 0 ? [] : await index.load(ids);
    for (let i = 0; i < ids.length; i++) {
      examined += 1;
      const record = chunk[i];
      if (record && scan.matches(record)) records.push(record);
      if (records.length === scan.limit) return { records, resumeAfter: ids[i] ?? null };
    }
    if (ids.length < take) return { records, resumeAfter: null };
    start += ids.length;
    if (examined >= scan.maxExamined) return { records, resumeAfter: ids.at(-1) ?? null };
  }
}
