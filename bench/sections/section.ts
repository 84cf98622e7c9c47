import type { BenchSettings } from '../settings';

/** What every section gets: the knobs and the gateway compiled once for the whole run. */
export interface BenchContext {
  settings: BenchSettings;
  build: { gatewayMain: string; emulatorMain: string };
}

/** A target from an issue, e.g. "gateway/proxy throughput ratio ≥ 0.5". */
export interface Target {
  name: string;
  /** undefined when it could not be measured (counts as missed). */
  value: number | undefined;
  comparison: '>=' | '<=';
  limit: number;
  unit: string;
}

export interface SectionResult {
  id: string;
  title: string;
  /** The summary shown on screen and in latest.md; first row is the header. */
  table: string[][];
  targets: Target[];
  /** Caveats worth reading next to the numbers (e.g. load-generator lag). */
  notes: string[];
  /** Everything measured, for latest.json. */
  data: Record<string, unknown>;
}

/** One benchmark area (issue 3: create-session; later issues add webhooks, mapping tool, …). */
export interface Section {
  id: string;
  title: string;
  run(context: BenchContext): Promise<SectionResult>;
}

export function targetMet(target: Target): boolean {
  if (target.value === undefined || Number.isNaN(target.value)) return false;
  return target.comparison === '>=' ? target.value >= target.limit : target.value <= target.limit;
}
