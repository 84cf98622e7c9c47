import type { Catalog } from '../mapping-tool/catalog/catalog';
import { readCatalogFromStripe } from '../mapping-tool/catalog/read-catalog-api';
import { readCatalogFile } from '../mapping-tool/catalog/read-catalog-file';
import { parseStripeApiBase } from '../mapping-tool/catalog/stripe-api-base';
import type { Progress } from '../mapping-tool/report/progress';
import { UsageError, type CliEnv } from './cli-env';
import type { MapArgs } from './map-args';

/** `--from-file`, or the Stripe API (`STRIPE_SECRET_KEY`, `--stripe-api-base` / `STRIPE_API_BASE`). */
export function catalogSource(
  args: MapArgs,
  env: CliEnv,
  progress: Progress,
): () => Promise<{ catalog: Catalog; warnings: string[]; notices?: string[] }> {
  const file = args.fromFile;
  if (file) return () => readCatalogFile(file);
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) throw new UsageError('STRIPE_SECRET_KEY is required to read the Stripe API (or pass --from-file)');
  const base = args.stripeApiBase ?? env.STRIPE_API_BASE;
  let host;
  try {
    host = base ? parseStripeApiBase(base, { allowInsecure: args.allowInsecureStripeApiBase }) : undefined;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return async () => ({
    catalog: await readCatalogFromStripe({
      secretKey,
      ...(host ? { host } : {}),
      includeInactive: args.includeInactive,
      onProgress: (read) => progress.note(`  read ${read.products} product(s), ${read.prices} price(s)`),
    }),
    warnings: [],
  });
}
