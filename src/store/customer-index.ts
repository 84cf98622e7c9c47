import type { CustomerRecord } from './customer-record';
import type { CreatedWindow, CustomerListQuery, ScanChunk, ScanPosition } from './customer-store';
import { UnknownCursorError, type ListPage } from './list-scan';

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

/**
 * The rank-based pager the customer indexes page with (a window of ranks of one sorted set; a
 * cursor outside the index is placed by its creation time, above). Sessions and events page with
 * list-scan.ts `listPage` over score ranges and several indexes; customers need only one index at a
 * time. Cursor semantics are Stripe's (stripe-surface.md §3.3): exclusive cursors, `ending_before`
 * returns the items just newer than the cursor, `has_more` from one match more than asked for.
 */
interface RankQuery<T> {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  matches: (record: T) => boolean;
}

/** An index ordered newest first; rank 0 is the newest object. */
interface OrderedSource<T> {
  rankOf(id: string): Promise<number | undefined>;
  /**
   * Ranks start..stop inclusive (fewer at the end of the index), newest first; `undefined` where
   * an index entry's record is already gone, so a short answer always means the index ended.
   */
  range(start: number, stop: number): Promise<(T | undefined)[]>;
}

const CHUNK = 100;

/**
 * Stripe cursor pagination over a filtered index (stripe-surface.md §3.3): cursors are exclusive,
 * `ending_before` returns the items just newer than the cursor, and `has_more` is computed by
 * finding one match more than asked for, so it is never a guess.
 */
async function scanPage<T>(source: OrderedSource<T>, query: RankQuery<T>): Promise<ListPage<T>> {
  const cursor = query.endingBefore ?? query.startingAfter;
  const cursorRank = cursor === undefined ? undefined : await source.rankOf(cursor);
  if (cursor !== undefined && cursorRank === undefined) throw new UnknownCursorError(cursor);
  const found =
    query.endingBefore !== undefined
      ? await scanNewer(source, query, cursorRank ?? 0)
      : await scanOlder(source, query, cursorRank === undefined ? 0 : cursorRank + 1);
  const hasMore = found.length > query.limit;
  const page = found.slice(0, query.limit);
  return { records: query.endingBefore !== undefined ? page.reverse() : page, hasMore };
}

async function scanOlder<T>(source: OrderedSource<T>, query: RankQuery<T>, from: number): Promise<T[]> {
  const found: T[] = [];
  for (let start = from; found.length <= query.limit; start += CHUNK) {
    const chunk = await source.range(start, start + CHUNK - 1);
    for (const record of chunk) if (record && found.length <= query.limit && query.matches(record)) found.push(record);
    if (chunk.length < CHUNK) break;
  }
  return found;
}

/** Walks from the cursor towards the newest, nearest first. */
async function scanNewer<T>(source: OrderedSource<T>, query: RankQuery<T>, cursorRank: number): Promise<T[]> {
  const found: T[] = [];
  for (let stop = cursorRank - 1; stop >= 0 && found.length <= query.limit; stop -= CHUNK) {
    const chunk = await source.range(Math.max(0, stop - CHUNK + 1), stop);
    for (const record of chunk.reverse()) if (record && found.length <= query.limit && query.matches(record)) found.push(record);
  }
  return found;
}
