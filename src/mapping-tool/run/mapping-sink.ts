import type { MappingEntry, MappingFile, ProductInfo } from '../../mappings/mapping-file';
import { writeMappingFile } from '../../mappings/mapping-files';
import type { MappingStore } from '../../store/mapping-store';

export interface MappingSinkOptions {
  dir: string;
  tenantId: string;
  /** The file as read at the start; the sink never drops an entry from it. */
  file: MappingFile;
  /** The shared store to load into; undefined with `--no-load` or without Redis. */
  store: MappingStore | undefined;
  batchSize: number;
}

export interface SinkResult {
  fileWritten: boolean;
  loaded: boolean;
  loadError: string | undefined;
  writes: number;
}

/** Redis HSET arguments per call when the whole file is loaded at the end. */
const LOAD_CHUNK = 1000;

/**
 * Where results go: `mappings/<tenant>.json` after every batch (write-then-rename, so a crash
 * leaves the previous whole file, and the next run links what this one created but had not written
 * yet), and the shared store. A store failure does not stop the run: the file is the source of
 * truth and `mappings load` can load it later.
 */
export function createMappingSink(options: MappingSinkOptions) {
  const file: MappingFile = structuredClone(options.file);
  let pending: { prices: Record<string, MappingEntry>; products: Record<string, ProductInfo> } = { prices: {}, products: {} };
  let pendingCount = 0;
  let changed = false;
  let writes = 0;
  let loadError: string | undefined;
  let chain: Promise<void> = Promise.resolve();

  async function load(prices: Record<string, MappingEntry>, products: Record<string, ProductInfo>): Promise<void> {
    if (!options.store || loadError) return;
    try {
      await options.store.putEntries(options.tenantId, prices, products);
    } catch (error) {
      loadError = (error as Error).message;
    }
  }

  async function writeBatch(): Promise<void> {
    if (!changed) return;
    changed = false;
    const batch = pending;
    pending = { prices: {}, products: {} };
    pendingCount = 0;
    await writeMappingFile(options.dir, options.tenantId, file);
    writes++;
    await load(batch.prices, batch.products);
  }

  let queued: Promise<void> | undefined;
  /**
   * Serialised: two writes never overlap. Batches completed while one write is waiting share the
   * next write, and each write holds everything finished so far.
   */
  const flush = (): Promise<void> => {
    if (queued) return queued;
    const next = chain.then(() => {
      queued = undefined;
      return writeBatch();
    });
    queued = next;
    chain = next.catch(() => {});
    return next;
  };

  return {
    /** Stripe products as read; written with the next batch when they changed. */
    setProducts(products: Record<string, ProductInfo>): void {
      for (const [id, info] of Object.entries(products)) {
        if (JSON.stringify(file.products[id]) === JSON.stringify(info)) continue;
        file.products[id] = info;
        pending.products[id] = info;
        changed = true;
      }
    },
    /** Records one price's entry; resolves once the batch it completed (if any) is written. */
    add(priceId: string, entry: MappingEntry): Promise<void> {
      file.prices[priceId] = entry;
      pending.prices[priceId] = entry;
      changed = true;
      return ++pendingCount >= options.batchSize ? flush() : Promise.resolve();
    },
    flush,
    /** Writes what is left, then loads the whole file (kept entries included) into the store. */
    async finish(): Promise<SinkResult> {
      await flush();
      if (options.store && !loadError) {
        const entries = Object.entries(file.prices);
        for (let i = 0; i < entries.length || i === 0; i += LOAD_CHUNK) {
          await load(Object.fromEntries(entries.slice(i, i + LOAD_CHUNK)), i === 0 ? file.products : {});
        }
      }
      return { fileWritten: writes > 0, loaded: Boolean(options.store) && !loadError, loadError, writes };
    },
    file: (): MappingFile => file,
  };
}

export type MappingSink = ReturnType<typeof createMappingSink>;
