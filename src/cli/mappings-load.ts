import { existsSync } from 'node:fs';
import { mappingFilePath, readMappingFile } from '../mappings/mapping-files';
import type { CliDeps } from './cli-deps';
import { UsageError } from './cli-env';
import type { MappingsArgs } from './mappings-args';

/**
 * `mappings load`: the file replaces the tenant's mappings in Redis in one swap (MappingStore
 * `replaceAll`), so every gateway instance sees the whole new mapping within its cache time.
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
    await deps.store.replaceAll(tenant.id, file);
    out(`tenant ${tenant.id}: loaded ${Object.keys(file.prices).length} price(s) and ${Object.keys(file.products).length} product(s) from ${path}`);
  }
  // Naming one tenant whose file is missing is a mistake worth a non-zero exit; --all just reports.
  return !args.all && missing > 0 ? 1 : 0;
}
