/** What either load tool reports for one target and phase. Latencies in milliseconds. */
export interface LoadResult {
  /** 2xx answers per second over the phase: fast errors must not count as throughput. */
  okPerSecond: number;
  total: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts: requests that got no answer at all. */
  errors: number;
  statusCodes: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  seconds: number;
}
