import type { Direction, IndexEntry, IndexedSource, IndexTerm } from './list-scan';

/**
 * An in-memory sorted set for the memory stores' list indexes, ordered as Redis orders one: by
 * score, then by member. New objects carry the newest score, so inserts land at the end.
 */
export class SortedIndex {
  private readonly entries: IndexEntry[] = [];
  private readonly scores = new Map<string, number>();

  get size(): number {
    return this.entries.length;
  }

  score(id: string): number | undefined {
    return this.scores.get(id);
  }

  add(id: string, score: number): void {
    const current = this.scores.get(id);
    if (current === score) return;
    if (current !== undefined) this.remove(id);
    this.entries.splice(this.firstAtOrAfter(score, id), 0, { id, score });
    this.scores.set(id, score);
  }

  remove(id: string): void {
    const score = this.scores.get(id);
    if (score === undefined) return;
    this.entries.splice(this.firstAtOrAfter(score, id), 1);
    this.scores.delete(id);
  }

  count(min: number, max: number): number {
    return Math.max(0, this.firstAbove(max) - this.firstAtOrAfter(min, ''));
  }

  range(direction: Direction, min: number, max: number, offset: number, count: number): IndexEntry[] {
    const from = this.firstAtOrAfter(min, '');
    const to = this.firstAbove(max);
    if (direction === 'newer') return this.entries.slice(from + offset, Math.min(to, from + offset + count)).map((e) => ({ ...e }));
    const end = to - offset;
    return this.entries
      .slice(Math.max(from, end - count), Math.max(from, end))
      .reverse()
      .map((e) => ({ ...e }));
  }

  /** The position of the first entry at or after (score, id). */
  private firstAtOrAfter(score: number, id: string): number {
    return this.search((entry) => entry.score > score || (entry.score === score && entry.id >= id));
  }

  /** The position of the first entry with a score above `score`. */
  private firstAbove(score: number): number {
    return this.search((entry) => entry.score > score);
  }

  /** The first position where `after` holds (it holds for every later entry). */
  private search(after: (entry: IndexEntry) => boolean): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (after(this.entries[middle] as IndexEntry)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

/** A tenant's list indexes in memory: the index of every object and one per term (list-scan.ts). */
export class MemoryIndexes {
  readonly main = new SortedIndex();
  private readonly byTerm = new Map<string, SortedIndex>();

  add(term: IndexTerm, id: string, score: number): void {
    const key = termKey(term);
    let index = this.byTerm.get(key);
    if (!index) this.byTerm.set(key, (index = new SortedIndex()));
    index.add(id, score);
  }

  remove(term: IndexTerm, id: string): void {
    const key = termKey(term);
    const index = this.byTerm.get(key);
    index?.remove(id);
    if (index?.size === 0) this.byTerm.delete(key);
  }

  source<T>(load: (ids: string[]) => (T | undefined)[]): IndexedSource<T> {
    const index = (term: IndexTerm | undefined) => (term ? this.byTerm.get(termKey(term)) : this.main);
    return {
      scoreOf: async (id) => this.main.score(id),
      count: async (term, min, max) => index(term)?.count(min, max) ?? 0,
      range: async (term, direction, min, max, offset, count) => index(term)?.range(direction, min, max, offset, count) ?? [],
      contains: async (term, ids) => ids.map((id) => index(term)?.score(id) !== undefined),
      load: async (ids) => load(ids),
    };
  }
}

const termKey = (term: IndexTerm) => `${term.field}:${term.value}`;
