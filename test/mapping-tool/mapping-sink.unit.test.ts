import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMappingSink } from '../../src/mapping-tool/run/mapping-sink';
import { emptyMappingFile, mappingFileSchema, type MappingEntry } from '../../src/mappings/mapping-file';
import { createMemoryMappingStore } from '../../src/store/memory-mapping-store';
import type { MappingStore } from '../../src/store/mapping-store';

const entry = (n: number): MappingEntry => ({ loopsProductId: `prod_${n}`, productName: `P${n}`, currency: 'usd', unitAmount: n, recurring: null });

describe('mapping sink: the file after every batch, then Redis', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const read = () => mappingFileSchema.parse(JSON.parse(readFileSync(join(dir, 'acme.json'), 'utf8')));

  it('writes once per batch, keeps the entries the file had, and loads everything at the end', async () => {
    const existing = emptyMappingFile();
    existing.prices.price_hand = { loopsPaymentLinkId: 'pl_1', productName: 'Hand', currency: 'eur', unitAmount: 5, recurring: null };
    const store = createMemoryMappingStore();
    const sink = createMappingSink({ dir, tenantId: 'acme', file: existing, store, batchSize: 2 });
    sink.setProducts({ prod_a: { name: 'A' } });
    await sink.add('price_1', entry(1));
    expect(() => read()).toThrow(); // nothing written before the first batch completes
    await sink.add('price_2', entry(2));
    expect(Object.keys(read().prices).sort()).toEqual(['price_1', 'price_2', 'price_hand']);
    await sink.add('price_3', entry(3));
    const result = await sink.finish();
    expect(result).toMatchObject({ fileWritten: true, loaded: true, writes: 2, loadError: undefined });
    expect(Object.keys(read().prices)).toHaveLength(4);
    expect(Object.keys(await store.allPrices('acme')).sort()).toEqual(['price_1', 'price_2', 'price_3', 'price_hand']);
    expect(await store.getProduct('acme', 'prod_a')).toEqual({ name: 'A' });
    expect(readdirSync(dir)).toEqual(['acme.json']);
  });

  it('does not rewrite an unchanged file', async () => {
    const sink = createMappingSink({ dir, tenantId: 'acme', file: emptyMappingFile(), store: undefined, batchSize: 1 });
    sink.setProducts({});
    expect(await sink.finish()).toMatchObject({ fileWritten: false, loaded: false, writes: 0 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a Redis failure does not stop the file: it is reported for `mappings load` later', async () => {
    const broken: MappingStore = { ...createMemoryMappingStore(), putEntries: async () => Promise.reject(new Error('Redis is down')) };
    const sink = createMappingSink({ dir, tenantId: 'acme', file: emptyMappingFile(), store: broken, batchSize: 1 });
    await sink.add('price_1', entry(1));
    await sink.add('price_2', entry(2));
    expect(await sink.finish()).toMatchObject({ loaded: false, loadError: 'Redis is down', writes: 2 });
    expect(Object.keys(read().prices)).toHaveLength(2);
  });
});
