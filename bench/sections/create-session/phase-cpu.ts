import { readCpuSeconds } from '../../harness';
import type { PhaseCpu } from './target-runs';

/**
 * Runs `measure` and reports the CPU time the target, the upstream and this process (the load
 * generator) used meanwhile, from /proc/<pid>/stat. CPU per request is the figure that a machine
 * shared with other work changes least; CPU ÷ wall time says which party saturated.
 */
export async function withPhaseCpu<R>(pids: { target: number; upstream: number }, measure: () => Promise<R>): Promise<{ result: R; cpu: PhaseCpu }> {
  const before = { target: readCpuSeconds(pids.target), upstream: readCpuSeconds(pids.upstream), self: process.cpuUsage() };
  const startedAt = performance.now();
  const result = await measure();
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const self = process.cpuUsage(before.self);
  const delta = (pid: number, start: number | undefined) => {
    const end = readCpuSeconds(pid);
    return start === undefined || end === undefined ? undefined : end - start;
  };
  return {
    result,
    cpu: {
      wallSeconds,
      target: delta(pids.target, before.target),
      upstream: delta(pids.upstream, before.upstream),
      loadGenerator: (self.user + self.system) / 1e6,
    },
  };
}
