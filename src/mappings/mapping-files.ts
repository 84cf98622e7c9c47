import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically, type AtomicWriteFs } from './atomic-write';
import { emptyMappingFile, mappingFileSchema, type MappingFile } from './mapping-file';

export function mappingFilePath(dir: string, tenantId: string): string {
  return join(dir, `${tenantId}.json`);
}

/** Reads and validates a tenant's mapping file; a missing file is an empty mapping. */
export async function readMappingFile(dir: string, tenantId: string): Promise<MappingFile> {
  const path = mappingFilePath(dir, tenantId);
  if (!existsSync(path)) return emptyMappingFile();
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`${path} is not a valid mapping file:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/**
 * Write-then-rename with fsyncs (atomic-write.ts): readers, a crash mid-write and a power cut
 * only ever see the old or the new whole file. Keys are sorted so the committed file diffs cleanly.
 */
export async function writeMappingFile(dir: string, tenantId: string, file: MappingFile, fs?: AtomicWriteFs): Promise<void> {
  const path = mappingFilePath(dir, tenantId);
  await mkdir(dirname(path), { recursive: true });
  const sorted: MappingFile = { version: 1, prices: sortKeys(file.prices), products: sortKeys(file.products) };
  await writeFileAtomically(path, `${JSON.stringify(sorted, null, 2)}\n`, fs);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
