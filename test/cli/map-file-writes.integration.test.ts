import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mappingFileSchema } from '../../src/mappings/mapping-file';
import { bulkCatalog } from '../helpers/stripe-catalog-fixtures';
import { startMappingHarness, type MappingHarness } from '../helpers/mapping-harness';

/** A reader (a gateway starting, `git add`, a crash) only ever sees a whole, valid mapping file. */
describe('map: the mapping file during a run', () => {
  const PRICES = 30;
  let h: MappingHarness;

  beforeAll(async () => {
    h = await startMappingHarness(bulkCatalog(PRICES, 5, 'writes'));
    await h.loops.admin('POST', '/_emulator/faults', { method: 'POST', path: '/api/v3/products', mode: 'latency', latencyMs: 15 });
  });
  afterAll(() => h.close());

  it('is rewritten whole after every batch and is valid at every moment', async () => {
    const path = join(h.mappingsDir, 'default.json');
    const seen: number[] = [];
    let reads = 0;
    let running = true;
    const watcher = (async () => {
      while (running) {
        let text: string | undefined;
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          text = undefined; // not written yet
        }
        if (text !== undefined) {
          reads++;
          seen.push(Object.keys(mappingFileSchema.parse(JSON.parse(text)).prices).length);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const run = await h.map(['--batch-size', '5', '--concurrency', '2']);
    running = false;
    await watcher;

    expect(run.code).toBe(0);
    // A write per batch (at most), each of the whole file so far.
    expect(run.result?.sink?.writes).toBeGreaterThanOrEqual(3);
    expect(run.result?.sink?.writes).toBeLessThanOrEqual(1 + PRICES / 5);
    expect(reads).toBeGreaterThan(0);
    // Every read parsed; the file only ever grew, through several intermediate states.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBe(PRICES);
    expect(readdirSync(h.mappingsDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
