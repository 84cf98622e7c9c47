/** A page of records, newest first, and whether more match beyond it. */
export interface ListPage<T> {
  records: T[];
  hasMore: boolean;
}

export interface ListQuery<T> {
  limit: number;
  /** Exclusive cursors (object ids); at most one is set. */
  startingAfter?: string;
  endingBefore?: string;
  matches: (record: T) => boolean;
}

/** Thrown when a cursor names no object of this tenant. */
export class UnknownCursorError extends Error {
  constructor(readonly cursor: string) {
    super(`unknown cursor ${cursor}`);
  }
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
 * Stripe cursor pagination over a filtered index (stripe-surface.md §3.3): cursors are exclusive,
 * `ending_before` returns the items just newer than the cursor, and `has_more` is computed by
 * finding one match more than asked for, so it is never a guess.
 */
export async function scanPage<T>(source: OrderedSource<T>, query: ListQuery<T>): Promise<ListPage<T>> {
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

async function scanOlder<T>(source: OrderedSource<T>, query: ListQuery<T>, from: number): Promise<T[]> {
  const found: T[] = [];
  for (let start = from; found.length <= query.limit; start += CHUNK) {
    const chunk = await source.range(start, start + CHUNK - 1);
    for (const record of chunk) if (record && found.length <= query.limit && query.matches(record)) found.push(record);
    if (chunk.length < CHUNK) break;
  }
  return found;
}

/** Walks from the cursor towards the newest, nearest first. */
async function scanNewer<T>(source: OrderedSource<T>, query: ListQuery<T>, cursorRank: number): Promise<T[]> {
  const found: T[] = [];
  for (let stop = cursorRank - 1; stop >= 0 && found.length <= query.limit; stop -= CHUNK) {
    const chunk = await source.range(Math.max(0, stop - CHUNK + 1), stop);
    for (const record of chunk.reverse()) if (record && found.length <= query.limit && query.matches(record)) found.push(record);
  }
  return found;
}
