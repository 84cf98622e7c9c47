import { isDeepStrictEqual } from 'node:util';
import type { MappingEntry, MappingFile, ProductInfo } from './mapping-file';

/** What a load did beyond taking the file's entries (docs/mappings.md "One catalog"). */
export interface MergeReport {
  /** Changed through the API after the file's version of them: the live version was kept. */
  keptLive: string[];
  /** Created or changed through the API and not in the file: kept (`--force` drops them). */
  keptUnexported: string[];
  /** Deleted through the API after the file's version: not brought back. */
  notRestored: string[];
  /** In the store, not in the file, dropped: imported entries, or with `--force` any. */
  dropped: string[];
  /** `--force` only: entries whose API changes (newer than the file's) the file replaced. */
  overwritten: string[];
}

export interface MergedCatalog {
  catalog: MappingFile;
  tombstones: Record<string, number>;
  report: MergeReport;
  /** False when the store already holds exactly this: nothing to write. */
  changed: boolean;
}

/** The live catalog a file is merged into (a `CatalogSnapshot` without its version). */
export interface LiveCatalog {
  prices: Record<string, MappingEntry>;
  products: Record<string, ProductInfo>;
  tombstones: Record<string, number>;
}

type Revisioned = { apiRevision?: number | undefined };

/**
 * The merge rule between a mapping file and the live catalog, for start-up and `mappings load`:
 * the file seeds the catalog and the API wins for what was done through it since.
 * - An entry in both: the file's, unless the live one was created or changed through the API more
 *   recently (its `apiRevision` is higher than the file's, or the file's has none) — then the live.
 *   A file written by `mappings export` carries the revisions it exported, so it loads as it is,
 *   hand edits included.
 * - Only in the file: taken, unless it is a product deleted through the API after the file's
 *   version of it.
 * - Only in the store: dropped if it only ever came from a file or `npm run map` (the file is
 *   the source of truth for those, as before); kept if created or changed through the API, so
 *   nothing made through the API disappears because it was not exported yet.
 * With `force` the file replaces the catalog exactly, as `mappings load` did before the API
 * could write: every API change since the file was written is lost, and reported.
 */
export function mergeCatalog(file: MappingFile, live: LiveCatalog, force: boolean): MergedCatalog {
  const report: MergeReport = { keptLive: [], keptUnexported: [], notRestored: [], dropped: [], overwritten: [] };
  if (force) {
    for (const [stored, incoming] of [
      [live.prices, file.prices],
      [live.products, file.products],
    ] as [Record<string, Revisioned>, Record<string, Revisioned>][]) {
      for (const [id, entry] of Object.entries(stored)) {
        const replacement = incoming[id];
        if (replacement === undefined) report.dropped.push(id);
        else if (apiChangeIsNewer(entry, replacement)) report.overwritten.push(id);
      }
    }
    const catalog: MappingFile = { version: 1, prices: file.prices, products: file.products };
    return { catalog, tombstones: {}, report, changed: !sameCatalog(catalog, {}, live) };
  }

  const prices = mergeRecords(file.prices, live.prices, {}, report);
  const products = mergeRecords(file.products, live.products, live.tombstones, report);
  const tombstones = Object.fromEntries(Object.entries(live.tombstones).filter(([id]) => !(id in products)));
  const catalog: MappingFile = { version: 1, prices, products };
  return { catalog, tombstones, report, changed: !sameCatalog(catalog, tombstones, live) };
}

function mergeRecords<T extends Revisioned>(
  fromFile: Record<string, T>,
  stored: Record<string, T>,
  deleted: Record<string, number>,
  report: MergeReport,
): Record<string, T> {
  const merged: Record<string, T> = {};
  for (const [id, entry] of Object.entries(fromFile)) {
    const current = stored[id];
    const deletedAt = deleted[id];
    if (current !== undefined && apiChangeIsNewer(current, entry)) {
      merged[id] = current;
      if (!isDeepStrictEqual(current, entry)) report.keptLive.push(id);
    } else if (current === undefined && deletedAt !== undefined && apiChangeIsNewer({ apiRevision: deletedAt }, entry)) {
      report.notRestored.push(id);
    } else {
      merged[id] = entry;
    }
  }
  for (const [id, entry] of Object.entries(stored)) {
    if (id in fromFile) continue;
    if (entry.apiRevision !== undefined) {
      merged[id] = entry;
      report.keptUnexported.push(id);
    } else {
      report.dropped.push(id);
    }
  }
  return merged;
}

function apiChangeIsNewer(stored: Revisioned, incoming: Revisioned): boolean {
  return stored.apiRevision !== undefined && (incoming.apiRevision === undefined || incoming.apiRevision < stored.apiRevision);
}

function sameCatalog(catalog: MappingFile, tombstones: Record<string, number>, live: LiveCatalog): boolean {
  return (
    isDeepStrictEqual(catalog.prices, live.prices) &&
    isDeepStrictEqual(catalog.products, live.products) &&
    isDeepStrictEqual(tombstones, live.tombstones)
  );
}

/** One line per kind of finding, for the CLI and the start-up log; empty when the file was simply taken. */
export function describeMerge(report: MergeReport): string[] {
  const list = (ids: string[]) => `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? `, … (${ids.length} in all)` : ''}`;
  const lines: string[] = [];
  if (report.keptLive.length > 0) {
    lines.push(`kept the live version of ${report.keptLive.length} changed through the API after the file was written: ${list(report.keptLive)}`);
  }
  if (report.keptUnexported.length > 0) {
    lines.push(
      `kept ${report.keptUnexported.length} created or changed through the API and not in the file (run \`mappings export\` to commit them; \`mappings load --force\` drops them): ${list(report.keptUnexported)}`,
    );
  }
  if (report.notRestored.length > 0) {
    lines.push(`did not bring back ${report.notRestored.length} product(s) deleted through the API: ${list(report.notRestored)}`);
  }
  if (report.dropped.length > 0) lines.push(`dropped ${report.dropped.length} not in the file: ${list(report.dropped)}`);
  if (report.overwritten.length > 0) {
    lines.push(`replaced ${report.overwritten.length} changed through the API after the file was written: ${list(report.overwritten)}`);
  }
  return lines;
}
