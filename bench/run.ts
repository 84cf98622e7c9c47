import { relative } from 'node:path';
import { buildGateway, cleanupAll, REPO_ROOT, REPORTS_DIR } from './harness';
import { describeMachine } from './report/machine';
import type { BenchReport } from './report/report';
import { renderScreen } from './report/render';
import { writeReport } from './report/write-report';
import { createSessionSection } from './sections/create-session';
import { hostileInputSection } from './sections/hostile-input';
import { listsSection } from './sections/lists';
import { mappingSection } from './sections/mapping';
import { webhooksSection } from './sections/webhooks';
import { targetMet, type Section, type SectionResult } from './sections/section';
import { readSettings, UsageError } from './settings';

/** Every section, in run order. */
const SECTIONS: Section[] = [createSessionSection, webhooksSection, mappingSection, hostileInputSection, listsSection];

/**
 * `npm run bench`: builds the gateway once, runs each section (each starts and stops its own
 * processes), merges their results into bench/reports/latest.{json,md} and prints a summary.
 */
async function main(): Promise<number> {
  const settings = readSettings();
  const unknown = settings.sections.filter((id) => !SECTIONS.some((section) => section.id === id));
  if (unknown.length > 0)
    throw new UsageError(`BENCH_SECTIONS: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.id).join(', ')}`);
  const selected = SECTIONS.filter((section) => settings.sections.length === 0 || settings.sections.includes(section.id));
  const machine = describeMachine();
  process.stdout.write(
    `bench: ${machine.nproc} CPUs, node ${machine.node}, load average ${machine.loadAverageAtStart}; phases of ${settings.seconds} s\n`,
  );

  process.stdout.write('building the gateway (tsconfig.build.json)…\n');
  const build = await buildGateway();

  const results: SectionResult[] = [];
  const failures: BenchReport['failures'] = [];
  for (const section of selected) {
    process.stdout.write(`\n${section.title}\n`);
    try {
      results.push(await section.run({ settings, build }));
    } catch (error) {
      // One broken section must not hide the others' numbers; the report names the failure.
      failures.push({ section: section.id, error: (error as Error).stack ?? String(error) });
    }
  }

  const targets = results.flatMap((result) => result.targets.map((target) => ({ ...target, section: result.id, met: targetMet(target) })));
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    machine,
    settings,
    sections: results,
    targets,
    allTargetsMet: failures.length === 0 && targets.every((target) => target.met),
    failures,
  };
  const written = await writeReport(REPORTS_DIR, report);
  process.stdout.write(`${renderScreen(report)}\n\nreport: ${relative(REPO_ROOT, written.markdown)}, ${relative(REPO_ROOT, written.json)}\n`);
  if (failures.length > 0) return 1;
  return settings.strict && !report.allTargetsMet ? 1 : 0;
}

main()
  .then(
    (code) => code,
    (error: unknown) => {
      const text = error instanceof UsageError ? error.message : ((error as Error).stack ?? String(error));
      process.stderr.write(`bench failed: ${text}\n`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
