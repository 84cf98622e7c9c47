import type { MappingResult } from './mapping-result';

/** Rows listed per group before "… and N more": a 10,000-price summary stays readable. */
const SHOWN_PER_GROUP = 10;

/** Plain-text table (stdout) of what a run did, with a reason for everything not mapped. */
export function renderSummary(result: MappingResult): string {
  const { counts } = result;
  const lines: string[] = [];
  const title = result.dryRun ? 'Dry run: nothing was created or written' : 'Mapping summary';
  lines.push('', `${title} · tenant ${result.tenantId} · ${result.seconds.toFixed(1)} s`, '');
  const rows: [string, number, string][] = [
    [result.dryRun ? 'to create' : 'created', result.dryRun ? result.planned.length : counts.created, 'new Loops product made for the price'],
    ['linked', counts.linked, 'a Loops product already tagged with the price was found'],
    ['kept', counts.kept, 'already in the mapping file'],
    ['skipped', counts.skipped, 'not mapped: Loops cannot represent it, or the catalog read was incomplete (reasons below)'],
    ['failed', counts.failed, 'not mapped this time (reasons below)'],
  ];
  lines.push(...table(['outcome', 'prices', 'meaning'], [...rows.map(([a, b, c]) => [a, String(b), c]), ['total', String(counts.total), '']]));

  const skippedByCode = new Map<string, MappingResult['skipped']>();
  for (const item of result.skipped) skippedByCode.set(item.code, [...(skippedByCode.get(item.code) ?? []), item]);
  for (const [code, items] of skippedByCode) {
    lines.push('', `Skipped: ${code} (${items.length})`);
    lines.push(...listed(items.map((item) => [item.priceId, item.reason])));
  }
  if (result.failed.length > 0) {
    lines.push('', `Failed (${result.failed.length})`);
    lines.push(
      ...listed(
        result.failed.map((item) => [item.priceId, item.reason]),
        100,
      ),
    );
  }
  if (result.duplicates.length > 0) {
    lines.push('', `Duplicate Loops products (${result.duplicates.length} price(s)): several live products are tagged with the same price`);
    lines.push(
      ...table(
        ['price', 'mapped to', 'also tagged (archive these in Loops)'],
        result.duplicates.map((d) => [d.priceId, d.mappedTo, d.extras.join(', ')]),
      ).map((line) => `  ${line}`),
    );
    const switched = result.duplicates.filter((d) => d.switchedFrom).length;
    lines.push(
      '  Any run that sees them all maps the same one (the earliest created, then the lowest id);',
      `  ${switched} price(s) were re-pointed to it. Checkouts use only the mapped product; \`npm run mappings -- verify\` checks other copies of the file.`,
    );
  }
  const recovered = result.created.filter((item) => item.foundOnRecheck);
  if (recovered.length > 0) lines.push('', `${recovered.length} product(s) were found in Loops after an unclear failure and were not created again.`);
  if (result.notes.length > 0) {
    lines.push('', `Notes (${result.notes.length})`);
    lines.push(...listed(result.notes.map((item) => [item.priceId, item.note])));
  }
  for (const warning of result.warnings) lines.push('', `Warning: ${warning}`);
  for (const notice of result.notices) lines.push('', `Note: ${notice}`);
  lines.push('', ...outcomeLines(result), '');
  return lines.join('\n');
}

function outcomeLines(result: MappingResult): string[] {
  const lines: string[] = [];
  if (result.aborted) lines.push(`Stopped early: ${result.aborted}`);
  if (result.dryRun) return lines;
  const sink = result.sink;
  if (sink) {
    lines.push(sink.fileWritten ? `Wrote ${result.mappingFile} (${sink.writes} batch write(s)).` : `${result.mappingFile} unchanged.`);
    if (sink.loadError) lines.push(`Could NOT load the mappings into Redis: ${sink.loadError}. Run \`npm run mappings -- load\` once Redis is back.`);
    else if (sink.loaded) lines.push(`Loaded into Redis for tenant ${result.tenantId}.`);
    else lines.push('Not loaded into Redis (--no-load or no REDIS_URL): gateways read the file at start, or run `npm run mappings -- load`.');
  }
  if (result.unlocked && result.counts.created > 0) {
    lines.push('No shared lock was held (REDIS_URL is not set): set it when more than one person or machine runs the tool.');
  }
  if (result.failed.length > 0) lines.push('Some prices failed: fix the reasons above and run again; mapped prices are kept.');
  if (result.duplicates.length > 0) lines.push('Duplicate Loops products were found: archive the extras listed above (exit status 1).');
  return lines;
}

function listed(rows: string[][], limit = SHOWN_PER_GROUP): string[] {
  const shown = table(['price', 'reason'], rows.slice(0, limit)).map((line) => `  ${line}`);
  if (rows.length > limit) shown.push(`  … and ${rows.length - limit} more`);
  return shown;
}

/** Left-aligned columns; the last column is not padded. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render)];
}
