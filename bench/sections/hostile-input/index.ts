import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { BenchContext, Section, SectionResult, Target } from '../section';
import { hostileCases, type HostileCase } from './cases';
import { idleCpuPerSecond, measureCase, warmUp, type CaseResult, type MeasureOptions } from './measure';
import { KEYS, startHostileStack } from './stack';

/** Issue 10's target: no request of an accepted size costs the gateway more than this much CPU. */
const CPU_LIMIT_MS = 20;
const MIN_REQUESTS = 20;
const CONCURRENCY = 2;
const IDLE_SAMPLE_MS = 1_000;

interface CaseFigures {
  testCase: HostileCase;
  plain: CaseResult;
  /** POST only: the same request with a fresh Idempotency-Key each time, as stripe-node sends it. */
  keyed?: CaseResult;
}

/**
 * Issue 10 "Hardening": the worst requests the bench can construct (cases.ts) against ONE gateway
 * process, each sent over and over; the gateway's CPU per request, read from /proc/<pid>/stat.
 * POSTs are measured twice: without an Idempotency-Key (the parameter layer's own cost) and with a
 * fresh one each time, as stripe-node sends every POST (what a client's request really costs).
 */
export const hostileInputSection: Section = {
  id: 'hostile-input',
  title: 'Hostile input: gateway CPU per refused request',
  async run(context: BenchContext): Promise<SectionResult> {
    const seconds = Math.max(0.5, context.settings.seconds / 5);
    const loadAtStart = loadavg()[0] ?? 0;
    const profileDir = process.env.BENCH_HOSTILE_CPU_PROF?.trim();
    const only = process.env.BENCH_HOSTILE_CASES?.trim().toLowerCase();
    const stack = await startHostileStack(context.build, { cpuProfileDir: profileDir ? resolve(profileDir) : undefined });
    try {
      const pid = stack.gateway.child?.pid;
      if (pid === undefined) throw new Error('the gateway has no process to sample');
      const cases = hostileCases(stack.ids).filter((c) => !only || c.name.toLowerCase().includes(only));
      await warmUp(cases, { url: stack.gateway.url, apiKey: KEYS.gateway });
      const idle = await idleCpuPerSecond(pid, IDLE_SAMPLE_MS);
      log(
        `${cases.length} cases, ${seconds} s each (at least ${MIN_REQUESTS} requests), ${CONCURRENCY} in flight; gateway idle CPU ${(idle * 1000).toFixed(1)} ms/s`,
      );
      const options = (idempotencyKey: boolean): MeasureOptions => ({
        url: stack.gateway.url,
        apiKey: KEYS.gateway,
        idempotencyKey,
        gatewayPid: pid,
        seconds,
        minRequests: MIN_REQUESTS,
        concurrency: CONCURRENCY,
        idleCpuPerSecond: idle,
      });
      const figures: CaseFigures[] = [];
      for (const testCase of cases) {
        const plain = await measureCase(testCase, options(false));
        const keyed = testCase.method === 'POST' ? await measureCase(testCase, options(true)) : undefined;
        log(`  ${ms(plain.cpuMsPerRequest).padStart(7)} / ${(keyed ? ms(keyed.cpuMsPerRequest) : '—').padStart(7)} ms CPU/request  ${testCase.name}`);
        figures.push({ testCase, plain, keyed });
      }
      return summarise(figures, {
        secondsPerCase: seconds,
        idleCpuMsPerSecond: idle * 1000,
        events: stack.events,
        loadAverage: { atStart: loadAtStart, atEnd: loadavg()[0] ?? 0 },
      });
    } finally {
      await stack.stop();
    }
  },
};

const ms = (n: number) => n.toFixed(2);

/** What a client's request costs: with the Idempotency-Key stripe-node sends on a POST. */
const worstOf = (f: CaseFigures) => f.keyed ?? f.plain;

function summarise(
  figures: CaseFigures[],
  run: { secondsPerCase: number; idleCpuMsPerSecond: number; events: number; loadAverage: { atStart: number; atEnd: number } },
): SectionResult {
  const table = [
    ['request (≤ 1 MB)', 'body KB', 'answer', 'requests', 'CPU ms/request', 'with Idempotency-Key'],
    ...figures.map(({ testCase, plain, keyed }) => [
      testCase.name,
      (plain.bodyBytes / 1024).toFixed(0),
      String(testCase.status),
      String(plain.requests + (keyed?.requests ?? 0)),
      ms(plain.cpuMsPerRequest),
      keyed ? ms(keyed.cpuMsPerRequest) : '—',
    ]),
  ];
  const unexpected = figures.flatMap(({ testCase, plain, keyed }) =>
    [plain, ...(keyed ? [keyed] : [])].flatMap((result) =>
      Object.entries(result.statuses)
        .filter(([status]) => Number(status) !== testCase.status)
        .map(([status, n]) => `${testCase.name}: ${n} × ${status}`),
    ),
  );
  const worst = figures.reduce<CaseFigures | undefined>((a, b) => (a && worstOf(a).cpuMsPerRequest >= worstOf(b).cpuMsPerRequest ? a : b), undefined);
  const targets: Target[] = [
    ...figures.map((f) => ({
      name: `CPU per request: ${f.testCase.name}${f.keyed ? ' (with Idempotency-Key)' : ''}`,
      value: worstOf(f).cpuMsPerRequest,
      comparison: '<=' as const,
      limit: CPU_LIMIT_MS,
      unit: 'ms',
    })),
    { name: 'answers other than the case’s status', value: unexpected.length, comparison: '<=', limit: 0, unit: '' },
  ];
  return {
    id: hostileInputSection.id,
    title: hostileInputSection.title,
    table,
    targets,
    notes: [
      `Worst case: ${worst ? `${worst.testCase.name}, ${ms(worstOf(worst).cpuMsPerRequest)} ms` : '—'}.`,
      `CPU is the gateway process's user + system time from /proc/<pid>/stat (10 ms ticks) over each case, less its idle rate (${run.idleCpuMsPerSecond.toFixed(1)} ms/s, measured first), divided by the requests; ${run.secondsPerCase} s per case and variant (BENCH_SECONDS / 5, at least 0.5 s), at least ${MIN_REQUESTS} requests, ${CONCURRENCY} in flight, after a warm-up pass of 5 requests of every case, each of which must get the case's answer.`,
      'POSTs run twice: without an Idempotency-Key (decoding and validation alone) and with a fresh one per request, as stripe-node sends every POST; the target applies to the second. The difference is the idempotency middleware, which fingerprints every decoded parameter (canonical JSON + SHA-256) and pins the key in Redis before the handler validates.',
      `The gateway has ${run.events} stored events for the event-type cases; every other request is refused (400, or 404 for an id) before any Loops call.`,
      `Load average ${run.loadAverage.atStart.toFixed(2)} at start, ${run.loadAverage.atEnd.toFixed(2)} at the end: the load generator (this process) shares the machine, and a busy machine inflates CPU time.`,
      ...unexpected.map((line) => `Unexpected answer: ${line}`),
    ],
    data: {
      figures: figures.map(({ testCase, plain, keyed }) => ({ name: testCase.name, status: testCase.status, plain, keyed })),
      ...run,
      cpuLimitMs: CPU_LIMIT_MS,
    },
  };
}

function log(message: string): void {
  process.stdout.write(`  ${message}\n`);
}
