import { readFile } from 'node:fs/promises';
import { createCatalogBuilder, type Catalog } from './catalog';
import { splitJsonDocuments } from './json-documents';

export interface FileCatalog {
  catalog: Catalog;
  warnings: string[];
}

/**
 * `--from-file`: the JSON Stripe's list API or CLI prints. Accepted, alone or several documents
 * one after another (`stripe products list > f; stripe prices list >> f`):
 * - a list object `{"object": "list", "data": [...]}` or a plain array, of prices or products;
 * - prices with `product` expanded (`expand[]=data.product`), or products with `default_price`
 *   expanded (`expand[]=data.default_price`), or products and prices side by side;
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

export function parseCatalogText(text: string, source = 'the catalog file'): FileCatalog {
  const builder = createCatalogBuilder();
  const warnings: string[] = [];
  let documents: unknown[];
  try {
    documents = splitJsonDocuments(text).map((document) => JSON.parse(document) as unknown);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (documents.length === 0) throw new Error(`${source} is empty`);

  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return builder.addObject(value);
    if ('object' in value && value.object === 'list' && 'data' in value && Array.isArray(value.data)) {
      if ('has_more' in value && value.has_more === true) {
        warnings.push(`${source} holds a list page with has_more: true; prices on later pages were not exported and are not mapped`);
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
  return { catalog: builder.build(), warnings };
}
