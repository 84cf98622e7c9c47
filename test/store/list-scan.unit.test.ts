import { listPage, type IndexedSource } from '../../src/store/list-scan';
import { MemoryIndexes } from '../../src/store/sorted-index';

/** The walk itself (store/list-scan.ts), over the in-memory indexes both stores' semantics follow. */
describe('listPage', () => {
  const open = { field: 'status', value: 'open' };
  const cus = { field: 'customer', value: 'cus_x' };

  /** 30 open sessions; every second one, and 25 closed ones, belong to cus_x (so `open` drives the walk). */
  function fixture() {
    const indexes = new MemoryIndexes();
    const ids = Array.from({ length: 55 }, (_, i) => `cs_${String(i).padStart(2, '0')}`);
    ids.forEach((id, i) => {
      indexes.main.add(id, 1000 + i);
      if (i < 30) indexes.add(open, id, 1000 + i);
      if (i >= 30 || i % 2 === 0) indexes.add(cus, id, 1000 + i);
    });
    return { indexes, ids };
  }

  it('does not skip an entry when an entry already read leaves the index during the walk (a settle)', async () => {
    const { indexes } = fixture();
    const inner = indexes.source((ids) => ids.map((id) => ({ id })));
    let reads = 0;
    const source: IndexedSource<{ id: string }> = {
      ...inner,
      async range(...args) {
        const entries = await inner.range(...args);
        // After the first chunk, the newest open session is completed: it leaves `open`.
        if (args[0] === open && (reads += 1) === 1) indexes.remove(open, 'cs_29');
        return entries;
      },
    };
    const page = await listPage(source, { limit: 14, matches: () => true, narrow: { groups: [[open], [cus]] } });
    // Open and cus_x: the even ones of cs_00 … cs_29, newest first (cs_28 was read before it mattered).
    expect(page.records.map((r) => r.id)).toEqual([
      'cs_28',
      'cs_26',
      'cs_24',
      'cs_22',
      'cs_20',
      'cs_18',
      'cs_16',
      'cs_14',
      'cs_12',
      'cs_10',
      'cs_08',
      'cs_06',
      'cs_04',
      'cs_02',
    ]);
    expect(page.hasMore).toBe(true);
    expect(reads).toBeGreaterThan(1);
  });

  it('walks entries that share a score (created in the same millisecond) in id order, across chunks, both ways', async () => {
    const indexes = new MemoryIndexes();
    const ids = Array.from({ length: 40 }, (_, i) => `cs_${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      indexes.main.add(id, 5000);
      indexes.add(open, id, 5000);
    }
    const source = indexes.source((found) => found.map((id) => ({ id })));
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    for (let cursor: string | undefined, more = true; more;) {
      const page = await listPage(source, { limit: 7, startingAfter: cursor, matches: () => true, narrow: { groups: [[open]] } });
      seen.push(...page.records.map((r) => r.id));
      cursor = seen[seen.length - 1];
      more = page.hasMore;
    }
    expect(seen).toEqual(newestFirst);
    const before = await listPage(source, { limit: 25, endingBefore: 'cs_05', matches: () => true, narrow: { groups: [[open]] } });
    expect(before.records.map((r) => r.id)).toEqual(newestFirst.slice(9, 34));
    expect(before.hasMore).toBe(true);
  });
});
