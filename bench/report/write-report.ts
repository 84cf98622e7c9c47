import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { BenchReport } from './report';
import { renderMarkdown } from './render';

/** Write-then-rename (`*.tmp` is git-ignored), so an interrupted run never leaves half a report. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** The reports live under bench/, which `npm run format:check` covers: write them as prettier would. */
async function prettified(path: string, text: string): Promise<string> {
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

export async function writeReport(dir: string, report: BenchReport): Promise<{ json: string; markdown: string }> {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const markdown = join(dir, 'latest.md');
  writeAtomically(json, await prettified(json, JSON.stringify(report, null, 2)));
  writeAtomically(markdown, await prettified(markdown, renderMarkdown(report)));
  return { json, markdown };
}
