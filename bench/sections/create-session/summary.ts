import type { BenchContext, SectionResult, Target } from '../section';
import type { UpstreamName } from './stack';
import type { PhaseCpu, TargetRuns } from './target-runs';

/** Issue 13's targets on a 2-core machine, against the lean upstream. */
const LIMITS = { leanRatio: 0.45, p99OverProxyMs: 5, rssMiB: 150 } as const;
/** Below this share of a core in the closed-loop phase the proxy was not what limited it: its ratio flatters the gateway. */
const SATURATED_CORE_SHARE = 0.85;

/** Everything measured in front of one upstream. */
export interface UpstreamRuns {
  upstream: UpstreamName;
  gateway: TargetRuns;
  proxy: TargetRuns;
  /** The minimal stack (bench/minimal-stack.ts), closed loop only; lean upstream only. */
  floor?: { throughput: TargetRuns['throughput']; loopsSessions: number; cpu: PhaseCpu };
  rss: { idleMiB: number | undefined; peakMiB: number | undefined; lastMiB: number | undefined };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(1);
const mib = (n: number | undefined) => (n === undefined ? '—' : int(n));
const pct = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n * 100)} %`);

const ratioOf = (runs: UpstreamRuns) =>
  runs.proxy.throughput.okPerSecond > 0 ? runs.gateway.throughput.okPerSecond / runs.proxy.throughput.okPerSecond : undefined;
const failures = (run: TargetRuns) => run.throughput.non2xx + run.throughput.errors + run.latency.non2xx + run.latency.errors;
/** CPU microseconds the measured process spent per 2xx over a phase. */
const cpuPerOk = (cpu: PhaseCpu, ok: number) => (cpu.target === undefined || ok === 0 ? undefined : (cpu.target * 1e6) / ok);
const share = (seconds: number | undefined, cpu: PhaseCpu) => (seconds === undefined ? undefined : seconds / cpu.wallSeconds);
/**
 * Loops sessions that are not one per 2xx. The steady phase waits for every answer, so any
 * difference counts; the closed-loop phase may end with up to one request per connection answered
 * after the load tool stopped counting (a session without a counted 2xx).
 */
function sessionMismatch(run: TargetRuns, connections: number): number {
  const steady = Math.abs(run.loopsSessions.latency - run.latency.ok);
  const extra = run.loopsSessions.throughput - run.throughput.ok;
  return steady + (extra < 0 ? -extra : Math.max(0, extra - connections));
}

/** Turns the measured phases (lean upstream first) into the section's table, targets, notes and raw data. */
export function summarise(context: BenchContext, upstreams: UpstreamRuns[], setup: Record<string, unknown>): SectionResult {
  const { settings } = context;
  const table: string[][] = [['', 'gateway', 'proxy', 'gateway/proxy']];
  for (const runs of upstreams) table.push(...rowsFor(context, runs));

  const lean = upstreams.find((runs) => runs.upstream === 'lean');
  const peaks = upstreams.map((runs) => runs.rss.peakMiB).filter((n): n is number => n !== undefined);
  const targets: Target[] = [
    { name: 'throughput ratio gateway/proxy, lean upstream', value: lean && ratioOf(lean), comparison: '>=', limit: LIMITS.leanRatio, unit: '' },
    {
      name: `gateway p99 − proxy p99 at steady ${settings.rate} req/s, lean upstream`,
      value: lean && lean.gateway.latency.latencyMs.p99 - lean.proxy.latency.latencyMs.p99,
      comparison: '<=',
      limit: LIMITS.p99OverProxyMs,
      unit: 'ms',
    },
    {
      name: 'gateway peak RSS (either upstream)',
      value: peaks.length === upstreams.length ? Math.max(...peaks) : undefined,
      comparison: '<=',
      limit: LIMITS.rssMiB,
      unit: 'MiB',
    },
    {
      name: 'non-2xx + errors, gateway and proxy, both upstreams',
      value: upstreams.reduce((sum, runs) => sum + failures(runs.gateway) + failures(runs.proxy), 0),
      comparison: '<=',
      limit: 0,
      unit: '',
    },
    {
      name: 'Loops sessions not one per 2xx, gateway and proxy, both upstreams',
      value: upstreams.reduce(
        (sum, runs) => sum + sessionMismatch(runs.gateway, settings.connections) + sessionMismatch(runs.proxy, settings.connections),
        0,
      ),
      comparison: '<=',
      limit: 0,
      unit: '',
    },
  ];

  return {
    id: 'create-session',
    title: 'Create checkout session: gateway vs pass-through proxy',
    table,
    targets,
    notes: notes(context, upstreams),
    data: {
      settings: { ...settings },
      setup,
      upstreams: upstreams.map((runs) => ({
        ...runs,
        ratio: ratioOf(runs),
        cpuMicrosPerCreate: {
          gateway: cpuPerOk(runs.gateway.cpu.throughput, runs.gateway.throughput.ok),
          proxy: cpuPerOk(runs.proxy.cpu.throughput, runs.proxy.throughput.ok),
          ...(runs.floor ? { floor: cpuPerOk(runs.floor.cpu, runs.floor.throughput.ok) } : {}),
        },
      })),
    },
  };
}

function rowsFor(context: BenchContext, runs: UpstreamRuns): string[][] {
  const { settings } = context;
  const { gateway, proxy } = runs;
  const ratio = ratioOf(runs);
  const perOk = (sessions: number, ok: number) => (ok > 0 ? (sessions / ok).toFixed(2) : '—');
  const micros = (run: TargetRuns, phase: 'throughput' | 'latency') => {
    const value = cpuPerOk(run.cpu[phase], run[phase].ok);
    return value === undefined ? '—' : int(value);
  };
  const gatewayMicros = cpuPerOk(gateway.cpu.throughput, gateway.throughput.ok);
  const proxyMicros = cpuPerOk(proxy.cpu.throughput, proxy.throughput.ok);
  const title = runs.upstream === 'lean' ? 'lean upstream (bench/lean-loops.ts) — headline' : 'Loops emulator upstream';
  return [
    [`[${title}]`, '', '', ''],
    [
      `throughput, ${settings.connections} connections (2xx/s)`,
      int(gateway.throughput.okPerSecond),
      int(proxy.throughput.okPerSecond),
      ratio?.toFixed(2) ?? '—',
    ],
    ['  latency under that load p50 / p99 (ms)', pair(gateway.throughput), pair(proxy.throughput), ''],
    [
      '  CPU µs per create (closed loop)',
      micros(gateway, 'throughput'),
      micros(proxy, 'throughput'),
      gatewayMicros !== undefined && proxyMicros !== undefined ? (gatewayMicros / proxyMicros).toFixed(2) : '—',
    ],
    [
      '  CPU, share of one core: measured process',
      pct(share(gateway.cpu.throughput.target, gateway.cpu.throughput)),
      pct(share(proxy.cpu.throughput.target, proxy.cpu.throughput)),
      '',
    ],
    [
      '  CPU, share of one core: upstream',
      pct(share(gateway.cpu.throughput.upstream, gateway.cpu.throughput)),
      pct(share(proxy.cpu.throughput.upstream, proxy.cpu.throughput)),
      '',
    ],
    [
      '  CPU, share of one core: load generator',
      pct(share(gateway.cpu.throughput.loadGenerator, gateway.cpu.throughput)),
      pct(share(proxy.cpu.throughput.loadGenerator, proxy.cpu.throughput)),
      '',
    ],
    [`steady ${settings.rate} req/s: achieved (2xx/s)`, int(gateway.latency.okPerSecond), int(proxy.latency.okPerSecond), ''],
    ['  latency p50 / p99 (ms)', pair(gateway.latency), pair(proxy.latency), ''],
    ['  latency p99 difference (ms)', '', '', ms(gateway.latency.latencyMs.p99 - proxy.latency.latencyMs.p99)],
    ['  CPU µs per create (steady)', micros(gateway, 'latency'), micros(proxy, 'latency'), ''],
    ['non-2xx + errors (all phases)', int(failures(gateway)), int(failures(proxy)), ''],
    [
      'Loops sessions per 2xx (throughput / steady)',
      `${perOk(gateway.loopsSessions.throughput, gateway.throughput.ok)} / ${perOk(gateway.loopsSessions.latency, gateway.latency.ok)}`,
      `${perOk(proxy.loopsSessions.throughput, proxy.throughput.ok)} / ${perOk(proxy.loopsSessions.latency, proxy.latency.ok)}`,
      '',
    ],
    ['gateway RSS idle / peak (MiB)', `${mib(runs.rss.idleMiB)} / ${mib(runs.rss.peakMiB)}`, '', ''],
  ];
}

function pair(result: { latencyMs: { p50: number; p99: number } }): string {
  return `${ms(result.latencyMs.p50)} / ${ms(result.latencyMs.p99)}`;
}

function notes(context: BenchContext, upstreams: UpstreamRuns[]): string[] {
  const out = [
    'Every party is its own process: load generator (this bench), gateway, pass-through proxy, Redis, and the upstream (lean or emulator).',
    'Throughput: closed loop (autocannon), each connection sends its next request when the last is answered; every request has a fresh Idempotency-Key.',
    `Latency: open loop, one request every ${(1000 / context.settings.rate).toFixed(1)} ms whatever the answers, timed from send to last byte.`,
    "CPU µs per create: the process's user + system time from /proc/<pid>/stat over the phase ÷ its 2xx answers; the figure a shared machine changes least.",
    'Loops sessions per 2xx slightly above 1.00 in the throughput phase are requests cut off when the phase ended (answered after the load tool stopped counting).',
  ];
  for (const runs of upstreams) {
    if (runs.floor) out.push(floorNote(runs, runs.floor));
    const proxyShare = share(runs.proxy.cpu.throughput.target, runs.proxy.cpu.throughput);
    if (proxyShare !== undefined) {
      out.push(
        proxyShare >= SATURATED_CORE_SHARE
          ? `${runs.upstream} upstream: the proxy used ${pct(proxyShare)} of a core in its closed-loop phase: it was the bottleneck, as a baseline should be.`
          : `${runs.upstream} upstream: the proxy used only ${pct(proxyShare)} of a core in its closed-loop phase: something else (upstream ${pct(share(runs.proxy.cpu.throughput.upstream, runs.proxy.cpu.throughput))}, load generator ${pct(share(runs.proxy.cpu.throughput.loadGenerator, runs.proxy.cpu.throughput))}, or a busy machine) limited it, so its ratio flatters the gateway.`,
      );
    }
    for (const [name, run] of [['gateway', runs.gateway] as const, ['proxy', runs.proxy] as const]) {
      if (run.latency.maxSendLagMs > 20) {
        out.push(
          `${runs.upstream}/${name}: the load generator sent up to ${ms(run.latency.maxSendLagMs)} ms late in the steady phase (busy machine); latency figures are less reliable.`,
        );
      }
      if (run.latency.okPerSecond < context.settings.rate * 0.95) {
        out.push(`${runs.upstream}/${name}: achieved ${Math.round(run.latency.okPerSecond)} of ${context.settings.rate} req/s in the steady phase.`);
      }
    }
  }
  return out;
}

/**
 * Where the floor (bench/minimal-stack.ts) sat: the least a create costs on the gateway's stack, so
 * the gateway's distance to it is the cost of its own checks and bookkeeping.
 */
function floorNote(runs: UpstreamRuns, floor: NonNullable<UpstreamRuns['floor']>): string {
  const proxy = runs.proxy.throughput.okPerSecond;
  const gateway = runs.gateway.throughput.okPerSecond;
  const rate = floor.throughput.okPerSecond;
  const micros = cpuPerOk(floor.cpu, floor.throughput.ok);
  const gatewayMicros = cpuPerOk(runs.gateway.cpu.throughput, runs.gateway.throughput.ok);
  const failed = floor.throughput.non2xx + floor.throughput.errors;
  return (
    `${runs.upstream} upstream, floor: the minimal stack (bench/minimal-stack.ts: Koa, router, raw body and form parse, two Redis Lua round trips, ` +
    `the Loops create through undici, a 60-key JSON answer; no checks) answered ${int(rate)} 2xx/s` +
    (proxy > 0 ? ` = ${(rate / proxy).toFixed(2)} × the proxy` : '') +
    ` at ${micros === undefined ? '—' : int(micros)} CPU µs per create, ${pct(share(floor.cpu.target, floor.cpu))} of a core` +
    (rate > 0 ? `; the gateway made ${(gateway / rate).toFixed(2)} × its creates` : '') +
    (micros !== undefined && gatewayMicros !== undefined ? ` at ${(gatewayMicros / micros).toFixed(2)} × its CPU per create` : '') +
    (failed > 0 ? `; ${int(failed)} of its answers were not 2xx, so the figure is not reliable` : '') +
    '.'
  );
}
