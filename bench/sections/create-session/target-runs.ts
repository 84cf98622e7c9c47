import type { LoadResult } from '../../load/load-result';
import type { SteadyRateResult } from '../../load/steady-rate';

/** CPU seconds (user + system) each party used over one phase, and the phase's wall time. */
export interface PhaseCpu {
  wallSeconds: number;
  /** The process measured: the gateway or the proxy; undefined when /proc could not be read. */
  target: number | undefined;
  /** The Loops side (lean upstream or emulator). */
  upstream: number | undefined;
  /** The bench process itself, which runs the load tool. */
  loadGenerator: number;
}

/** Everything measured against one target (gateway or proxy) in front of one upstream. */
export interface TargetRuns {
  throughput: LoadResult;
  latency: SteadyRateResult;
  /** Loops sessions the upstream created during each phase (one per 2xx is right). */
  loopsSessions: { throughput: number; latency: number };
  cpu: { throughput: PhaseCpu; latency: PhaseCpu };
}
