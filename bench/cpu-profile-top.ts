import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof, BENCH_CREATE_CPU_PROF): the top self-time
 * entries by function and by file, as shares of the sampled busy time (idle left out). Relative shares stay meaningful
 * on a shared machine, where absolute times do not.
 *
 *   npx tsx bench/cpu-profile-top.ts <file.cpuprofile> [entries=15]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpu-profile-top <file.cpuprofile> [entries]\n');
  process.exit(1);
}
const count = Number(countArg ?? '15');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
/** Time the process was waiting, not working: left out, so the shares are of the busy time. */
const IDLE = new Set(['(idle)', '(program)']);
for (const [id] of selfMicros) if (IDLE.has(byId.get(id)?.callFrame.functionName ?? '')) selfMicros.delete(id);
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const shortFile = (url: string) => {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  return modules >= 0 ? path.slice(modules + 'node_modules/'.length) : relative(process.cwd(), path);
};
const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = shortFile(url);
  add(byFunction, `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`, micros);
  add(byFile, where, micros);
}
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title} (self time, ${(total / 1e6).toFixed(2)} s busy sampled, idle left out)\n`);
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .forEach(([key, micros], i) =>
      process.stdout.write(`${String(i + 1).padStart(2)}. ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}\n`),
    );
};
print('by function', byFunction);
print('by file', byFile);
