/** A page of records, newest first, and whether more match beyond it. */
export interface ListPage<T> {
  records: T[];
  hasMore: boolean;
}

/** One list index of a tenant's objects: those whose `field` is `value` (e.g. sessions of customer cus_1). */
export interface IndexTerm {
  field: string;
  value: string;
}

/**
 * What a list's filters narrow it to, as indexes: every match is in at least one term of each group
 * (an AND of ORs) and has its score (created, in ms) within [minScore, maxScore]. A group without
 * terms matches nothing (a `customer_account`, a `type` wildcard no recorded type fits).
 */
export interface Narrowing {
  groups: IndexTerm[][];
  minScore?: number;
  maxScore?: number;
}

export interface ListQuery<T> {
  limit: number;
  /** Exclusive cursors (object ids); at most one is set. */
  startingAfter?: string;
  endingBefore?: string;
  /** Every filter of the request, checked on each record read: the indexes narrow, this decides. */
  matches: (record: T) => boolean;
  /** Absent: every object of the tenant is a candidate (an unfiltered list). */
  narrow?: Narrowing;
}

/** Thrown when a cursor names no object of this tenant. */
export class UnknownCursorError extends Error {
  constructor(readonly cursor: string) {
    super(`unknown cursor ${cursor}`);
  }
}

export interface IndexEntry {
  id: string;
  score: number;
}

/** `older`: from the newest down (a first page, `starting_after`); `newer`: up from `ending_before`. */
export type Direction = 'older' | 'newer';

/**
 * A tenant's list indexes, each ordered as a Redis sorted set orders its members: by score (created,
 * ms), then by id. `term` undefined is the index of every object of the tenant.
 */
export interface IndexedSource<T> {
  /** The score of an object of this tenant (any object, matching or not: a cursor). */
  scoreOf(id: string): Promise<number | undefined>;
  /** How many entries an index has with min ≤ score ≤ max. */
  count(term: IndexTerm | undefined, min: number, max: number): Promise<number>;
  /** Entries with min ≤ score ≤ max in the direction's order (older: descending), skipping the first `offset`. */
  range(term: IndexTerm | undefined, direction: Direction, min: number, max: number, offset: number, count: number): Promise<IndexEntry[]>;
  /** Whether each id is in the term's index. */
  contains(term: IndexTerm, ids: string[]): Promise<boolean[]>;
  /** The records, `undefined` where one is already gone (past its retention). */
  load(ids: string[]): Promise<(T | undefined)[]>;
}

/** Index entries read per round trip: the first read asks for a page's worth, later ones for more. */
const FIRST_READ_MIN = 10;
const READ_MAX = 200;

/**
 * Stripe cursor pagination (docs/stripe-checkout-contract.md §3.3) over a tenant's list indexes: cursors are
 * exclusive, `ending_before` returns the items just newer than the cursor, and `has_more` is
 * computed by finding one match more than asked for, so it is never a guess.
 *
 * The walk reads one group of the narrowing, the one with the fewest entries in the score range
 * (a Redis ZCOUNT per term, O(log n)); the other groups are checked by index membership before any
 * record is read, and every record read is checked against all filters. So a filter that matches
 * nothing reads no record at all, a single filter reads the page and one more, and a combination
 * reads at most the entries of its most selective filter — never the tenant's whole history.
 */
export async function listPage<T>(source: IndexedSource<T>, query: ListQuery<T>): Promise<ListPage<T>> {
  const cursor = query.endingBefore ?? query.startingAfter;
  const cursorScore = cursor === undefined ? undefined : await source.scoreOf(cursor);
  if (cursor !== undefined && cursorScore === undefined) throw new UnknownCursorError(cursor);
  const anchor = cursor === undefined || cursorScore === undefined ? undefined : { id: cursor, score: cursorScore };
  const direction: Direction = query.endingBefore !== undefined ? 'newer' : 'older';
  const narrow = query.narrow ?? { groups: [] };
  let min = narrow.minScore ?? -Infinity;
  let max = narrow.maxScore ?? Infinity;
  if (anchor && direction === 'older') max = Math.min(max, anchor.score);
  if (anchor && direction === 'newer') min = Math.max(min, anchor.score);
  const none = { records: [], hasMore: false };
  if (min > max || narrow.groups.some((group) => group.length === 0)) return none;

  const plan = await planWalk(source, narrow.groups, min, max);
  if (!plan) return none;
  const firstRead = Math.min(READ_MAX, Math.max(FIRST_READ_MIN, query.limit + 1));
  const walk = mergedWalk(source, plan.driving, direction, min, max, anchor, firstRead);
  const found: T[] = [];
  const seen = new Set<string>();
  // A page and one more first (all of it matches when one index answers the whole filter), then
  // batches that double: a sparse combination costs few round trips.
  for (let batch = query.limit + 1; found.length <= query.limit; batch = Math.min(READ_MAX, batch * 2)) {
    const ids: string[] = [];
    const want = Math.max(batch, query.limit + 1 - found.length);
    for (let entry = await walk.next(); entry; entry = ids.length < want ? await walk.next() : undefined) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      ids.push(entry.id);
    }
    if (ids.length === 0) break;
    const candidates = await inEveryGroup(source, plan.others, ids);
    const records = candidates.length === 0 ? [] : await source.load(candidates);
    for (const record of records) if (record !== undefined && found.length <= query.limit && query.matches(record)) found.push(record);
  }
  const hasMore = found.length > query.limit;
  const page = found.slice(0, query.limit);
  return { records: direction === 'newer' ? page.reverse() : page, hasMore };
}

/** The group to walk (fewest entries in range) and the groups to check by membership; none when one is empty. */
async function planWalk<T>(
  source: IndexedSource<T>,
  groups: IndexTerm[][],
  min: number,
  max: number,
): Promise<{ driving: (IndexTerm | undefined)[]; others: IndexTerm[][] } | undefined> {
  if (groups.length === 0) return { driving: [undefined], others: [] };
  const sizes = await Promise.all(groups.map(async (group) => sum(await Promise.all(group.map((term) => source.count(term, min, max))))));
  const smallest = sizes.indexOf(Math.min(...sizes));
  if (sizes[smallest] === 0) return undefined;
  return { driving: groups[smallest] ?? [], others: groups.filter((_, i) => i !== smallest) };
}

async function inEveryGroup<T>(source: IndexedSource<T>, groups: IndexTerm[][], ids: string[]): Promise<string[]> {
  let kept = ids;
  for (const group of groups) {
    if (kept.length === 0) break;
    const member = await Promise.all(group.map((term) => source.contains(term, kept)));
    kept = kept.filter((_, i) => member.some((inTerm) => inTerm[i]));
  }
  return kept;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Whether `a` comes before `b` in the walk's order (older: descending score, then id). */
function precedes(a: IndexEntry, b: IndexEntry, direction: Direction): boolean {
  const order = a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return direction === 'older' ? order > 0 : order < 0;
}

/**
 * The entries of one or more indexes (an OR group) as one stream in the walk's order, strictly past
 * the cursor. Each index is read in chunks that double, from `firstRead` up to READ_MAX; each chunk
 * starts at the score where the last one ended (skipping the entries at that score already read),
 * not at an offset from the start, so sessions leaving or joining an index meanwhile (a settle, a
 * create) never make the walk skip an entry.
 */
function mergedWalk<T>(
  source: IndexedSource<T>,
  terms: (IndexTerm | undefined)[],
  direction: Direction,
  min: number,
  max: number,
  anchor: IndexEntry | undefined,
  firstRead: number,
) {
  const cursors = terms.map((term) => ({
    term,
    buffer: [] as IndexEntry[],
    /** Where the next chunk starts: the score the last one ended at, and how many entries at it were read. */
    from: direction === 'older' ? max : min,
    atFrom: 0,
    done: false,
    read: firstRead,
  }));
  const pastAnchor = (entry: IndexEntry) => anchor === undefined || precedes(anchor, entry, direction);
  async function head(cursor: (typeof cursors)[number]): Promise<IndexEntry | undefined> {
    while (cursor.buffer.length === 0 && !cursor.done) {
      const [low, high] = direction === 'older' ? [min, cursor.from] : [cursor.from, max];
      const entries = await source.range(cursor.term, direction, low, high, cursor.atFrom, cursor.read);
      cursor.done = entries.length < cursor.read;
      const last = entries[entries.length - 1];
      if (last) {
        const atLast = entries.filter((entry) => entry.score === last.score).length;
        cursor.atFrom = last.score === cursor.from ? cursor.atFrom + atLast : atLast;
        cursor.from = last.score;
      }
      cursor.read = Math.min(READ_MAX, cursor.read * 2);
      cursor.buffer = entries.filter(pastAnchor);
    }
    return cursor.buffer[0];
  }
  return {
    async next(): Promise<IndexEntry | undefined> {
      const heads = await Promise.all(cursors.map(head));
      let best: number | undefined;
      heads.forEach((entry, i) => {
        const current = best === undefined ? undefined : heads[best];
        if (entry && (current === undefined || precedes(entry, current, direction))) best = i;
      });
      return best === undefined ? undefined : cursors[best]?.buffer.shift();
    },
  };
}
