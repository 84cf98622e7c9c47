import { existsSync } from 'node:fs';
import { emptyMappingFile, type MappingFile } from '../mappings/mapping-file';
import { mappingFilePath, readMappingFile, writeMappingFile } from '../mappings/mapping-files';
import type { CliDeps } from './cli-deps';
import { UsageError } from './cli-env';
import type { MappingsArgs } from './mappings-args';

/**
 * `mappings export`: the tenant's whole live catalog — imported, and created or changed through
 * the API — written to `mappings/<tenant>.json` by write-then-rename (mappings/atomic-write.ts), in
 * the same file format, so it can be committed. Entries keep their `apiRevision`, so loading the
 * exported file takes it as it is (docs/mappings.md "One catalog"). A store without any catalog
 * (Redis emptied, never loaded) does not overwrite a file that has one, unless `--force`.
 */
export async function exportCommand(deps: CliDeps, args: MappingsArgs, out: (line: string) => void): Promise<number> {
  if (!deps.store) throw new UsageError('REDIS_URL is not set: there is no shared catalog to export (the API writes to Redis).');
  const tenants = args.all ? deps.config.tenants : [deps.tenant(args.tenant)];
  let refused = 0;
  for (const tenant of tenants) {
    const path = mappingFilePath(deps.config.mappingsDir, tenant.id);
    const live = await deps.store.snapshot(tenant.id);
    const before = existsSync(path) ? await readMappingFile(deps.config.mappingsDir, tenant.id) : emptyMappingFile();
    const empty = Object.keys(live.prices).length + Object.keys(live.products).length === 0;
    if (empty && Object.keys(before.prices).length > 0 && !args.force) {
      out(
        `tenant ${tenant.id}: Redis holds no catalog; ${path} (${Object.keys(before.prices).length} price(s)) left as it is (load it first, or --force)`,
      );
      refused++;
      continue;
    }
    const exported: MappingFile = { version: 1, prices: live.prices, products: live.products };
    await writeMappingFile(deps.config.mappingsDir, tenant.id, exported);
    out(
      `tenant ${tenant.id}: wrote ${Object.keys(live.prices).length} price(s) and ${Object.keys(live.products).length} product(s) to ${path} (${describeDiff(before, exported)})`,
    );
  }
  return refused > 0 ? 1 : 0;
}

/** What the export changed in the file, for the commit message. */
function describeDiff(before: MappingFile, after: MappingFile): string {
  const parts: string[] = [];
  for (const kind of ['prices', 'products'] as const) {
    const old = before[kind] as Record<string, unknown>;
    const now = after[kind] as Record<string, unknown>;
    const added = Object.keys(now).filter((id) => !(id in old)).length;
    const removed = Object.keys(old).filter((id) => !(id in now)).length;
    const changed = Object.keys(now).filter((id) => id in old && JSON.stringify(old[id]) !== JSON.stringify(now[id])).length;
    parts.push(`${kind}: ${added} added, ${changed} changed, ${removed} removed`);
  }
  return parts.join('; ');
}
