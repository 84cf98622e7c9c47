import type Stripe from 'stripe';
import type { MappingFile } from '../../src/mappings/mapping-file';
import { startStack, type Stack } from '../helpers/stack';

export const ACME = 'sk_test_catalog_acme_key_0001';
export const GLOBEX = 'sk_test_catalog_globex_key_002';

/** The real stack with two tenants: `acme` holds `file`, `globex` has no catalog. */
export async function startCatalogApp(file: MappingFile): Promise<{ stack: Stack; stripe(key?: string): Stripe; close(): Promise<void> }> {
  const stack = await startStack({
    tenants: [
      { id: 'acme', apiKeys: [ACME] },
      { id: 'globex', apiKeys: [GLOBEX] },
    ],
  });
  await stack.container.stores.mappings.replaceAll('acme', file);
  await stack.container.stores.mappings.replaceAll('globex', { version: 1, prices: {}, products: {} });
  return {
    stack,
    stripe: (key = ACME) => stack.stripe({ key, maxNetworkRetries: 0 }),
    close: () => stack.close(),
  };
}
