import type { MappingFile } from '../mappings/mapping-file';
import { mergeCatalog, type MergeReport } from '../mappings/merge-catalog';
import type { MappingStore } from '../store/mapping-store';

/** A load that keeps losing to API writes gives up rather than spin (each try re-reads the catalog). */
const MAX_LOAD_ATTEMPTS = 5;

export interface LoadOutcome {
  report: MergeReport;
  /** False when the store already held exactly the merged catalog (nothing written). */
  written: boolean;
}

/**
 * Loads a mapping file into the shared catalog by the merge rule (mappings/merge-catalog.ts): at
 * start-up and by `mappings load`. The merged catalog is swapped in only if no write landed since
 * it was read (the catalog version), so an API change made meanwhile is merged, never overwritten;
 * several instances starting at once converge on one result, and the ones that find it already
 * there write nothing.
 */
export async function loadCatalogFile(store: MappingStore, tenantId: string, file: MappingFile, options: { force: boolean }): Promise<LoadOutcome> {
  for (let attempt = 1; attempt <= MAX_LOAD_ATTEMPTS; attempt++) {
    const live = await store.snapshot(tenantId);
    const merged = mergeCatalog(file, live, options.force);
    if (!merged.changed) return { report: merged.report, written: false };
    if (await store.replaceAt(tenantId, live.version, merged.catalog, merged.tombstones)) return { report: merged.report, written: true };
  }
  throw new Error(`the catalog of tenant ${tenantId} kept changing while it was being loaded (${MAX_LOAD_ATTEMPTS} tries); load it again`);
}
