import { existsSync } from 'node:fs';
import { mappingFilePath, readMappingFile } from '../mappings/mapping-files';
import { table } from '../mapping-tool/report/summary';
import { verifyMappings } from '../mapping-tool/verify/verify-mappings';
import type { CliDeps } from './cli-deps';
import type { MappingsArgs } from './mappings-args';

/**
 * `mappings verify`: exit 1 when a mapped Loops product is missing or charges something else,
 * Redis differs from the file, or a price has duplicate live Loops products. Loops or Redis out of
 * reach is not a finding: the command entry reports it on one line with exit 3.
 */
export async function verifyCommand(deps: CliDeps, args: MappingsArgs, out: (line: string) => void): Promise<number> {
  const tenant = deps.tenant(args.tenant);
  const path = mappingFilePath(deps.config.mappingsDir, tenant.id);
  if (!existsSync(path)) {
    out(`No mapping file ${path}: nothing to verify (run \`npm run map\` first).`);
    return 1;
  }
  const file = await readMappingFile(deps.config.mappingsDir, tenant.id);
  const storeEntries = deps.store ? await deps.store.allPrices(tenant.id) : undefined;
  const report = await verifyMappings(file, deps.loopsFor(tenant), { concurrency: args.concurrency, ...(storeEntries ? { storeEntries } : {}) });

  out(`Verified ${report.checked} mapped Loops product(s) of tenant ${tenant.id} (${path}).`);
  const section = (title: string, rows: string[][]) => {
    if (rows.length === 0) return;
    out('');
    out(`${title} (${rows.length})`);
    for (const line of table(['price', 'detail'], rows)) out(`  ${line}`);
  };
  section(
    'Problems',
    report.problems.map((p) => [p.priceId, p.problem]),
  );
  section(
    'Redis',
    report.storeProblems.map((p) => [p.priceId, p.problem]),
  );
  if (report.duplicates.length > 0) {
    out('');
    out(`Duplicate Loops products (${report.duplicates.length}): other live products are tagged with these prices; archive them in Loops`);
    const rows = report.duplicates.map((d) => [
      d.priceId,
      d.mapped === d.canonical || !d.canonical ? d.mapped : `${d.mapped} (canonical: ${d.canonical})`,
      d.others.join(', '),
    ]);
    for (const line of table(['price', 'mapped', 'also tagged'], rows)) out(`  ${line}`);
    if (report.duplicates.some((d) => d.canonical && d.canonical !== d.mapped)) {
      out('  (canonical: the one `npm run map` picks when it finds several: the earliest created, then the lowest id)');
    }
  }
  section(
    'Not checked',
    report.unchecked.map((u) => [u.priceId, u.reason]),
  );
  if (!deps.store) out('\n(No REDIS_URL: Redis was not compared with the file.)');
  const failed = report.problems.length + report.storeProblems.length + report.duplicates.length;
  out(failed === 0 ? '\nAll mappings OK.' : `\n${failed} problem(s) found.`);
  return failed === 0 ? 0 : 1;
}
