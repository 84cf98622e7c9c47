import { existsSync } from 'node:fs';
import { mappingFilePath, readMappingFile } from '../mappings/mapping-files';
import { describeMerge } from '../mappings/merge-catalog';
import { loadCatalogFile } from '../services/catalog-load';
import type { CliDeps } from './cli-deps';
import { UsageError } from './cli-env';
import type { MappingsArgs } from './mappings-args';

/**
 * `mappings load`: the file is merged into the tenant's catalog in Redis in one swap
 * (services/catalog-load.ts), so every gateway instance sees the whole new catalog at once. What
 * was created or changed through the API since the file was written is kept and listed, so a load
 * never silently undoes it; `--force` replaces the catalog with the file exactly.
 */
export async function loadCommand(deps: CliDeps, args: MappingsArgs, out: (line: string) => void): Promise<number> {
  if (!deps.store) {
    throw new UsageError('REDIS_URL is not set: there is no shared store to load into (a gateway without Redis reads the mapping files at start).');
  }
  const tenants = args.all ? deps.config.tenants : [deps.tenant(args.tenant)];
  let missing = 0;
  for (const tenant of tenants) {
    const path = mappingFilePath(deps.config.mappingsDir, tenant.id);
    if (!existsSync(path)) {
      out(`tenant ${tenant.id}: no ${path}; Redis left as it is`);
      missing++;
      continue;
    }
    const file = await readMappingFile(deps.config.mappingsDir, tenant.id);
    const { report, written } = await loadCatalogFile(deps.store, tenant.id, file, { force: args.force });
    const counts = `${Object.keys(file.prices).length} price(s) and ${Object.keys(file.products).length} product(s) from ${path}`;
    out(`tenant ${tenant.id}: ${written ? 'loaded' : 'already loaded:'} ${counts}${args.force ? ' (--force: the file replaces the catalog)' : ''}`);
    for (const line of describeMerge(report)) out(`  ${line}`);
  }
  // Naming one tenant whose file is missing is a mistake worth a non-zero exit; --all just reports.
  return !args.all && missing > 0 ? 1 : 0;
}
