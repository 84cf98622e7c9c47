import type { BenchContext, SectionResult, Target } from '../section';
import type { TargetRuns } from './target-runs';

/** The targets on a 2-core machine. */
const LIMITS = { ratio: 0.5, p99Ms: 25, rssMiB: 250 } as const;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);
const mib = (n: number | undefined) => (n === undefined ? '—' : int(n));

/** Turns the four measured phases into the section's table, targets, notes and raw data. */
export function summarise(
  context: BenchContext,
  runs: { gateway: TargetRuns; proxy: TargetRuns },
  rss: { idleMiB: number | undefined; peakMiB: number | undefined; lastMiB: number | undefined },
  setup: Record<string, unknown>,
): SectionResult {
  const { settings } = context;
  const { gateway, proxy } = runs;
  const ratio = proxy.throughput.okPerSecond > 0 ? gateway.throughput.okPerSecond / proxy.throughput.okPerSecond : undefined;
  const failures = (run: TargetRuns) => run.throughput.non2xx + run.throughput.errors + run.latency.non2xx + run.latency.errors;
  const perOk = (sessions: number, ok: number) => (ok > 0 ? (sessions / ok).toFixed(2) : '—');

  const table = [
    ['', 'gateway', 'proxy', 'gateway/proxy'],
    [
      `throughput, ${settings.connections} connections (2xx/s)`,
      int(gateway.throughput.okPerSecond),
      int(proxy.throughput.okPerSecond),
      ratio?.toFixed(2) ?? '—',
    ],
    ['  latency under that load p50 / p99 (ms)', pair(gateway.throughput), pair(proxy.throughput), ''],
    [`steady ${settings.rate} req/s: achieved (2xx/s)`, int(gateway.latency.okPerSecond), int(proxy.latency.okPerSecond), ''],
    ['  latency p50 / p99 (ms)', pair(gateway.latency), pair(proxy.latency), ''],
    ['  latency p99 difference (ms)', '', '', ms(gateway.latency.latencyMs.p99 - proxy.latency.latencyMs.p99)],
    ['non-2xx + errors (all phases)', int(failures(gateway)), int(failures(proxy)), ''],
    [
      'Loops sessions per 2xx (throughput / steady)',
      `${perOk(gateway.loopsSessions.throughput, gateway.throughput.ok)} / ${perOk(gateway.loopsSessions.latency, gateway.latency.ok)}`,
      `${perOk(proxy.loopsSessions.throughput, proxy.throughput.ok)} / ${perOk(proxy.loopsSessions.latency, proxy.latency.ok)}`,
      '',
    ],
    ['RSS idle / peak (MiB)', `${mib(rss.idleMiB)} / ${mib(rss.peakMiB)}`, '', ''],
  ];

  const targets: Target[] = [
    { name: 'throughput ratio gateway/proxy', value: ratio, comparison: '>=', limit: LIMITS.ratio, unit: '' },
    { name: `gateway p99 at steady ${settings.rate} req/s`, value: gateway.latency.latencyMs.p99, comparison: '<=', limit: LIMITS.p99Ms, unit: 'ms' },
    { name: 'gateway peak RSS', value: rss.peakMiB, comparison: '<=', limit: LIMITS.rssMiB, unit: 'MiB' },
    { name: 'non-2xx + errors, gateway and proxy', value: failures(gateway) + failures(proxy), comparison: '<=', limit: 0, unit: '' },
  ];

  return {
    id: 'create-session',
    title: 'Create checkout session: gateway vs pass-through proxy',
    table,
    targets,
    notes: notes(context, runs),
    data: { settings: { ...settings }, setup, ratio, rssMiB: rss, gateway, proxy },
  };
}

function pair(result: { latencyMs: { p50: number; p99: number } }): string {
  return `${ms(result.latencyMs.p50)} / ${ms(result.latencyMs.p99)}`;
}

function notes(context: BenchContext, runs: { gateway: TargetRuns; proxy: TargetRuns }): string[] {
  const out = [
    'Throughput: closed loop (autocannon), each connection sends its next request when the last is answered; every request has a fresh Idempotency-Key.',
    `Latency: open loop, one request every ${(1000 / context.settings.rate).toFixed(1)} ms whatever the answers, timed from send to last byte.`,
    'Loops sessions per 2xx slightly above 1.00 in the throughput phase are requests cut off when the phase ended (answered after the load tool stopped counting).',
  ];
  for (const [name, run] of Object.entries(runs)) {
    if (run.latency.maxSendLagMs > 20) {
      out.push(
        `${name}: the load generator sent up to ${ms(run.latency.maxSendLagMs)} ms late in the steady phase (busy machine); latency figures are less reliable.`,
      );
    }
    if (run.latency.okPerSecond < context.settings.rate * 0.95) {
      out.push(`${name}: achieved ${Math.round(run.latency.okPerSecond)} of ${context.settings.rate} req/s in the steady phase.`);
    }
  }
  return out;
}
