import { readFile } from 'node:fs/promises';
import { createCatalogBuilder, EXPAND_PRODUCT_HINT, type Catalog } from './catalog';
import { splitJsonDocuments } from './json-documents';

export interface FileCatalog {
  catalog: Catalog;
  /** The export is missing prices or products the tool needs: reported, and the run exits 1. */
  warnings: string[];
  /** Worth knowing, but possibly exactly what the merchant meant (exit status unchanged). */
  notices: string[];
}

/**
 * `--from-file`: the JSON Stripe's list API or CLI prints. Accepted, alone or several documents
 * one after another (`stripe products list > f; stripe prices list >> f`):
 * - a list object `{"object": "list", "data": [...]}`, a search result
 *   `{"object": "search_result", "data": [...]}` (`stripe prices search`), or a plain array, of
 *   prices or products;
 * - prices with `product` expanded (`expand[]=data.product`), or products with `default_price`
 *   expanded (`expand[]=data.default_price`: one price per product, the default), or products and
 *   prices side by side;
 * - `{"products": …, "prices": …}` holding any of the above.
 */
export async function readCatalogFile(path: string): Promise<FileCatalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseCatalogText(text, path);
}

/** `search_result` pages say `has_more` like lists; they continue with `page`, not `starting_after`. */
const LIST_OBJECTS = new Set(['list', 'search_result']);

export function parseCatalogText(text: string, source = 'the catalog file'): FileCatalog {
  const builder = createCatalogBuilder();
  const warnings: string[] = [];
  const notices: string[] = [];
  let documents: unknown[];
  // PowerShell's `>` and some editors write a UTF-8 byte order mark, which JSON.parse refuses.
  const json = text.replace(/^\uFEFF/, '');
  try {
    documents = splitJsonDocuments(json).map((document) => JSON.parse(document) as unknown);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (documents.length === 0) throw new Error(`${source} is empty`);

  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return builder.addObject(value);
    if ('object' in value && typeof value.object === 'string' && LIST_OBJECTS.has(value.object) && 'data' in value && Array.isArray(value.data)) {
      if ('has_more' in value && value.has_more === true) {
        const more = value.object === 'search_result' ? 'page' : 'starting_after';
        warnings.push(
          `${source} holds a ${value.object} page with has_more: true; later pages (${more}) were not exported and their prices are not mapped`,
        );
      }
      return value.data.forEach(walk);
    }
    if (!('object' in value) && ('prices' in value || 'products' in value)) {
      if ('products' in value) walk(value.products);
      if ('prices' in value) walk(value.prices);
      return;
    }
    builder.addObject(value);
  };
  documents.forEach(walk);
  const catalog = builder.build();
  warnings.push(...completenessWarnings(catalog, source));
  if (catalog.standalonePrices === 0 && catalog.productsWithDefaultPrice > 0) {
    notices.push(
      `${source} lists products with their default_price only: any other price of those products is not in the file and is not mapped. ` +
        'To map every price, append `stripe prices list --expand data.product` output.',
    );
  }
  return { catalog, warnings, notices };
}

/** An export that cannot say what its prices are for: every such price would be skipped. */
function completenessWarnings(catalog: Catalog, source: string): string[] {
  if (catalog.prices.length === 0) {
    return catalog.unreadable.length > 0 ? [] : [`${source} holds no Stripe prices: nothing to map`];
  }
  const orphans = catalog.prices.filter((price) => !catalog.products.has(price.productId) && !catalog.deletedProducts.has(price.productId));
  if (orphans.length === 0) return [];
  const which =
    orphans.length === catalog.prices.length ? `none of the ${orphans.length} price(s)` : `${orphans.length} of ${catalog.prices.length} price(s)`;
  return [`${source}: ${which} come with their product, so they cannot be mapped; ${EXPAND_PRODUCT_HINT}`];
}
