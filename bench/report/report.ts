import type { SectionResult, Target } from '../sections/section';
import type { BenchSettings } from '../settings';
import type { MachineInfo } from './machine';

export interface TargetOutcome extends Target {
  section: string;
  met: boolean;
}

/** latest.json: one run, every section's results merged. */
export interface BenchReport {
  generatedAt: string;
  machine: MachineInfo;
  settings: BenchSettings;
  sections: SectionResult[];
  targets: TargetOutcome[];
  allTargetsMet: boolean;
  /** Sections that failed to run, with the reason; their targets count as missed. */
  failures: { section: string; error: string }[];
}
