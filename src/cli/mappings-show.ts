import { isLoopsError } from '../loops/loops-error';
import type { LoopsClient } from '../loops/loops-client';
import type { MappingEntry } from '../mappings/mapping-file';
import { mappingFilePath, readMappingFile } from '../mappings/mapping-files';
import { chargeDifferences } from '../mapping-tool/loops/match-loops-product';
import type { CliDeps } from './cli-deps';
import type { MappingsArgs } from './mappings-args';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * `mappings show <id>`: everything known about one Stripe price (the file entry, what Redis holds,
 * the live Loops product and whether it agrees) or one Stripe product (its info and mapped prices).
 */
export async function showCommand(deps: CliDeps, args: MappingsArgs, out: (line: string) => void): Promise<number> {
  const tenant = deps.tenant(args.tenant);
  const id = args.id ?? '';
  const file = await readMappingFile(deps.config.mappingsDir, tenant.id);
  const path = mappingFilePath(deps.config.mappingsDir, tenant.id);
  const entry = file.prices[id];
  const loaded = deps.store ? await deps.store.getPrice(tenant.id, id) : undefined;
  const shown = entry ?? loaded;
  if (shown) {
    out(`Stripe price ${id} (tenant ${tenant.id})`);
    out(`\nIn ${path}:\n${entry ? json(entry) : '(not in the file)'}`);
    if (deps.store)
      out(`\nIn Redis: ${!loaded ? 'not loaded' : json(loaded) === json(entry) ? 'the same as the file' : `differs:\n${json(loaded)}`}`);
    return showLoopsProduct(deps.loopsFor(tenant), shown, out);
  }

  const product = file.products[id] ?? (deps.store ? await deps.store.getProduct(tenant.id, id) : undefined);
  const prices = Object.entries(file.prices).filter(([, e]) => e.stripeProductId === id);
  if (product || prices.length > 0) {
    out(`Stripe product ${id} (tenant ${tenant.id})`);
    out(product ? json(product) : '(no product details in the file)');
    out(`\nMapped prices (${prices.length}):`);
    for (const [priceId, e] of prices) out(`  ${priceId} → ${e.loopsProductId ?? e.loopsPaymentLinkId ?? '?'}`);
    return 0;
  }
  out(`${id} is not mapped for tenant ${tenant.id} (${path}). Run \`npm run map\` or add it to the file.`);
  return 1;
}

async function showLoopsProduct(loops: LoopsClient, entry: MappingEntry, out: (line: string) => void): Promise<number> {
  if (!entry.loopsProductId) {
    out(`\nLoops payment link ${entry.loopsPaymentLinkId ?? ''} (not fetched).`);
    return 0;
  }
  try {
    const product = await loops.getProductV3(entry.loopsProductId);
    const differences = chargeDifferences(product, entry);
    out(`\nLoops product ${product.id}: ${differences.length === 0 ? 'agrees with the mapping' : `DIFFERS: ${differences.join(', ')}`}`);
    out(json(product));
    return differences.length === 0 ? 0 : 1;
  } catch (error) {
    if (isLoopsError(error) && error.failure.kind === 'http' && error.failure.status === 404) {
      out(`\nLoops product ${entry.loopsProductId} does NOT exist.`);
      return 1;
    }
    throw error;
  }
}
