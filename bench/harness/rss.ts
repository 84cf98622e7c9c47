import { readFileSync } from 'node:fs';

/** Peak and last resident set size of one process, sampled from /proc (Linux). */
export interface RssSampler {
  /** MiB; undefined when /proc could not be read (not Linux, or the process is gone). */
  firstMiB(): number | undefined;
  peakMiB(): number | undefined;
  lastMiB(): number | undefined;
  stop(): void;
}

export function readRssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples every `intervalMs` from now until `stop()`; a peak between samples can be missed. */
export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let first: number | undefined;
  let peak: number | undefined;
  let last: number | undefined;
  const sample = () => {
    const value = readRssMiB(pid);
    if (value === undefined) return;
    first ??= value;
    last = value;
    peak = Math.max(peak ?? 0, value);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    firstMiB: () => first,
    peakMiB: () => peak,
    lastMiB: () => last,
    stop: () => {
      sample();
      clearInterval(timer);
    },
  };
}
