import type { LoadResult } from '../../load/load-result';
import type { SteadyRateResult } from '../../load/steady-rate';

/** Everything measured against one target (gateway or proxy). */
export interface TargetRuns {
  throughput: LoadResult;
  latency: SteadyRateResult;
  /** Loops sessions the emulator created during each phase (one per 2xx is right). */
  loopsSessions: { throughput: number; latency: number };
}
