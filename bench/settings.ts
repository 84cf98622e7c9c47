/**
 * The bench's own knobs (environment). Defaults are the issue's: 10 s phases, 50 connections
 * for throughput, 200 req/s for latency. `BENCH_SECONDS=2` makes a quick smoke run.
 */
export interface BenchSettings {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  rate: number;
  /** Signed Loops events sent (and sessions created for them) in the webhooks section. */
  webhookEvents: number;
  mappingPrices: number;
  /** Sessions, and as many events, stored for one tenant in the lists section. */
  listObjects: number;
  /** Section ids to run; empty = all. */
  sections: string[];
  /** Exit non-zero when a target is missed (a CI gate); by default the report says so and exit is 0. */
  strict: boolean;
}

/** A mistake in the bench's own knobs: reported as one message, without a stack trace. */
export class UsageError extends Error {}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const problems: string[] = [];
  const number = (name: string, fallback: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value > max) problems.push(`${name}=${raw}: expected a number in (0, ${max}]`);
    return value;
  };
  const seconds = number('BENCH_SECONDS', 10, 600);
  const settings: BenchSettings = {
    seconds,
    warmupSeconds: number('BENCH_WARMUP_SECONDS', Math.min(3, Math.max(1, Math.round(seconds / 3))), 120),
    connections: Math.round(number('BENCH_CONNECTIONS', 50, 1000)),
    rate: number('BENCH_RATE', 200, 10_000),
    webhookEvents: Math.round(number('BENCH_WEBHOOK_EVENTS', 10_000, 1_000_000)),
    mappingPrices: Math.round(number('BENCH_MAPPING_PRICES', 10_000, 1_000_000)),
    listObjects: Math.round(number('BENCH_LIST_OBJECTS', 100_000, 1_000_000)),
    sections: (env.BENCH_SECTIONS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    strict: env.BENCH_STRICT === '1',
  };
  if (problems.length > 0) throw new UsageError(`Invalid bench settings:\n  ${problems.join('\n  ')}`);
  return settings;
}
