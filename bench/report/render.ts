import type { BenchReport, TargetOutcome } from './report';

/** Plain-text table, columns padded: what the terminal shows. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '))
    .join('\n');
}

function markdownTable(rows: string[][]): string {
  const [header = [], ...body] = rows;
  const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...body.map(line)].join('\n');
}

function targetLine(target: TargetOutcome): string {
  const value = target.value === undefined ? 'not measured' : `${Number(target.value.toFixed(2))}${target.unit ? ` ${target.unit}` : ''}`;
  return `${target.met ? 'PASS' : 'FAIL'}  ${target.name}: ${value} (target ${target.comparison} ${target.limit}${target.unit ? ` ${target.unit}` : ''})`;
}

export function renderScreen(report: BenchReport): string {
  const out: string[] = [];
  for (const section of report.sections) {
    out.push('', `== ${section.title}`, '', textTable(section.table), '');
    out.push(...report.targets.filter((t) => t.section === section.id).map(targetLine));
  }
  for (const failure of report.failures) out.push('', `== ${failure.section}: FAILED`, failure.error);
  out.push('', report.allTargetsMet ? 'All targets met.' : 'Some targets were missed (see above).');
  return out.join('\n');
}

/** latest.md: commit-friendly, machine and date first, since the numbers mean nothing without them. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const s = report.settings;
  const out = [
    '# Benchmark report',
    '',
    `Written by \`npm run bench\` on ${report.generatedAt}.`,
    '',
    `- machine: ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}`,
    `- node ${m.node}; load average at start ${m.loadAverageAtStart}`,
    `- phases ${s.seconds} s (warm-up ${s.warmupSeconds} s), ${s.connections} connections for throughput, ${s.rate} req/s for latency`,
  ];
  for (const section of report.sections) {
    out.push('', `## ${section.title}`, '', markdownTable(section.table), '', '### Targets', '');
    out.push(...report.targets.filter((t) => t.section === section.id).map((t) => `- ${targetLine(t)}`));
    if (section.notes.length > 0) out.push('', '### Notes', '', ...section.notes.map((note) => `- ${note}`));
  }
  for (const failure of report.failures) out.push('', `## ${failure.section}: FAILED`, '', '```', failure.error, '```');
  out.push('');
  return out.join('\n');
}
