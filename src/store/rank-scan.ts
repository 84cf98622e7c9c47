import { UnknownCursorError, type ListPage } from './list-scan';

/**
 * Paging by rank over ONE sorted index (customers, subscriptions and invoices:
 * each list reads the one index its filter names, in a `created` window). Sessions and events page
 * with list-scan.ts `listPage`, which narrows over several indexes by score. Cursor semantics are
 * Stripe's (docs/stripe-checkout-contract.md §3.3): exclusive cursors, `ending_before` returns the items just
 * newer than the cursor, `has_more` from one match more than asked for, so it is never a guess.
 */
export interface RankQuery<T> {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  matches: (record: T) => boolean;
}

/** An index ordered newest first; rank 0 is the newest object. */
export interface OrderedSource<T> {
  rankOf(id: string): Promise<number | undefined>;
  /**
   * Ranks start..stop inclusive (fewer at the end of the index), newest first; `undefined` where
   * an index entry's record is already gone, so a short answer always means the index ended.
   */
  range(start: number, stop: number): Promise<(T | undefined)[]>;
}

const CHUNK = 100;

/**
 * Stripe cursor pagination over a filtered index (docs/stripe-checkout-contract.md §3.3): cursors are exclusive,
 * `ending_before` returns the items just newer than the cursor, and `has_more` is computed by
 * finding one match more than asked for, so it is never a guess.
 */
export async function scanPage<T>(source: OrderedSource<T>, query: RankQuery<T>): Promise<ListPage<T>> {
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
