import type { CustomerRecord } from './customer-record';
import type { CreatedWindow, CustomerListQuery, ScanChunk, ScanPosition } from './customer-store';
import type { ListPage } from './list-scan';
import { scanPage, type OrderedSource } from './rank-scan';

/**
 * One customer index as the list and search reads see it: entries ordered newest first (creation
 * ms, then id descending, as ZREVRANGE orders a sorted set), addressed by rank. Redis answers each
 * call in O(log n + returned) (ZCOUNT, ZREVRANK, ZREVRANGE), the memory store from an array, so both
 * stores share the paging logic below and agree on every edge.
 */
export interface SortedIndex {
  /** Entries created after `ms` (none when `ms` is +Infinity). */
  countNewerThan(ms: number): Promise<number>;
  /** Entries created at or after `ms`. */
  countFrom(ms: number): Promise<number>;
  /** The entry's rank (0 = newest), or undefined when the id is not in this index. */
  rankOf(id: string): Promise<number | undefined>;
  /** Ranks start..stop inclusive, with each record (undefined where it has gone meanwhile). */
  entries(start: number, stop: number): Promise<{ position: ScanPosition; record?: CustomerRecord }[]>;
}

/** The ranks a creation window covers: `first` is the rank of its newest entry. */
async function windowRanks(index: SortedIndex, window: CreatedWindow): Promise<{ first: number; count: number }> {
  const [first, throughOldest] = await Promise.all([index.countNewerThan(window.maxMs), index.countFrom(window.minMs)]);
  return { first, count: Math.max(0, throughOldest - first) };
}

/**
 * Stripe cursor pagination (list-scan.ts) over a window of one index. A cursor is any customer of
 * the tenant (Stripe pages from the cursor object's place): one outside this index (another email,
 * outside the window, deleted since) is placed by its creation time. `createdMsOf` reads it; an id
 * that is no customer of the tenant is an unknown cursor.
 */
export async function listWindow(
  index: SortedIndex,
  query: CustomerListQuery,
  createdMsOf: (id: string) => Promise<number | undefined>,
): Promise<ListPage<CustomerRecord>> {
  const { first, count } = await windowRanks(index, query.window);
  const forwards = query.endingBefore === undefined;
  const source: OrderedSource<CustomerRecord> = {
    async rankOf(id) {
      let rank = await index.rankOf(id);
      if (rank === undefined) {
        const createdMs = await createdMsOf(id);
        if (createdMs === undefined) return undefined;
        // Entries newer than the cursor come before its place: `starting_after` starts at that
        // count, `ending_before` walks back from just before it (scanPage adds/subtracts one).
        const newer = await index.countNewerThan(createdMs);
        rank = forwards ? newer - 1 : newer;
      }
      // Clamped to the window: scanPage never walks ranks the window does not have.
      return Math.min(Math.max(rank - first, -1), count);
    },
    async range(start, stop) {
      const from = Math.max(start, 0);
      const to = Math.min(stop, count - 1);
      if (from > to) return [];
      return (await index.entries(first + from, first + to)).map((entry) => entry.record);
    },
  };
  return scanPage(source, { limit: query.limit, startingAfter: query.startingAfter, endingBefore: query.endingBefore, matches: () => true });
}

/** `count` entries of a window after a position (search's bounded scan). */
export async function scanWindow(index: SortedIndex, window: CreatedWindow, after: ScanPosition | undefined, count: number): Promise<ScanChunk> {
  const ranks = await windowRanks(index, window);
  let start = ranks.first;
  if (after) {
    const rank = await index.rankOf(after.id);
    // Gone from the index since: resume at its creation time (entries created in the same
    // millisecond may be read again; none is skipped).
    start = Math.max(start, rank === undefined ? await index.countNewerThan(after.createdMs) : rank + 1);
  }
  const end = ranks.first + ranks.count - 1;
  const stop = Math.min(start + count - 1, end);
  const entries = start > stop ? [] : await index.entries(start, stop);
  return { entries, ended: stop >= end };
}
