import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCpuSeconds } from '../../harness';
import { freshIdempotencyKey } from '../../load/create-session-request';
import type { HostileCase } from './cases';

export interface CaseResult {
  name: string;
  bodyBytes: number;
  requests: number;
  /** Gateway CPU (user + system, /proc/<pid>/stat) over the case, its idle rate taken out, per request. */
  cpuMsPerRequest: number;
  wallMsPerRequest: number;
  /** Answers by HTTP status; every one must be the case's status. */
  statuses: Record<string, number>;
}

export interface MeasureOptions {
  url: string;
  /** Send a fresh Idempotency-Key with every request, as stripe-node does with every POST. */
  idempotencyKey: boolean;
  apiKey: string;
  gatewayPid: number;
  seconds: number;
  minRequests: number;
  /** Requests in flight at once (each on its own keep-alive connection). */
  concurrency: number;
  /** The gateway's CPU seconds per second when nobody calls it (its background loops). */
  idleCpuPerSecond: number;
}

const WARMUP_REQUESTS = 5;

function cpuSecondsOf(pid: number): number {
  const seconds = readCpuSeconds(pid);
  if (seconds === undefined) throw new Error(`cannot read /proc/${pid}/stat: this section needs Linux`);
  return seconds;
}

/** The gateway's CPU seconds per second over `ms` of nobody calling it. */
export async function idleCpuPerSecond(pid: number, ms: number): Promise<number> {
  const before = cpuSecondsOf(pid);
  const started = performance.now();
  await sleep(ms);
  return (cpuSecondsOf(pid) - before) / ((performance.now() - started) / 1000);
}

/** One case's request, sent as often as asked on its own keep-alive connections. */
function caseClient(testCase: HostileCase, options: Pick<MeasureOptions, 'url' | 'apiKey' | 'idempotencyKey' | 'concurrency'>) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.url);
  const body = testCase.body === undefined ? undefined : Buffer.from(testCase.body);
  const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
  if (body) {
    headers['content-type'] = testCase.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
    headers['content-length'] = String(body.length);
  }
  const send = () =>
    new Promise<number>((resolve, reject) => {
      const sent = options.idempotencyKey ? { ...headers, 'idempotency-key': freshIdempotencyKey() } : headers;
      const req = request({ host: url.hostname, port: url.port, method: testCase.method, path: testCase.path, headers: sent, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, bodyBytes: body?.length ?? 0, close: () => agent.destroy() };
}

/**
 * A few requests of every case before any is measured, so the first case measured does not pay
 * for the process's warm-up (JIT, first large buffers); each must get the case's answer, or the
 * case is not what it says.
 */
export async function warmUp(cases: HostileCase[], options: Pick<MeasureOptions, 'url' | 'apiKey'>): Promise<void> {
  for (const testCase of cases) {
    const client = caseClient(testCase, { ...options, idempotencyKey: testCase.method === 'POST', concurrency: 1 });
    try {
      for (let i = 0; i < WARMUP_REQUESTS; i++) {
        const status = await client.send();
        if (status !== testCase.status)
          throw new Error(`${testCase.name}: answered ${status}, expected ${testCase.status}: the case is not what it says`);
      }
    } finally {
      client.close();
    }
  }
}

/**
 * Sends one case's request over and over (`concurrency` at a time) for `seconds`, at least
 * `minRequests` times; the gateway's CPU delta over the sends, less what it spends idle in that
 * time, divided by the requests, is the case's CPU per request.
 */
export async function measureCase(testCase: HostileCase, options: MeasureOptions): Promise<CaseResult> {
  const client = caseClient(testCase, options);
  const statuses: Record<string, number> = {};
  try {
    const cpuBefore = cpuSecondsOf(options.gatewayPid);
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    let sent = 0;
    const worker = async () => {
      while (performance.now() < deadline || sent < options.minRequests) {
        sent += 1;
        const status = String(await client.send());
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSecondsOf(options.gatewayPid) - cpuBefore - options.idleCpuPerSecond * elapsed;
    return {
      name: testCase.name,
      bodyBytes: client.bodyBytes,
      requests: sent,
      cpuMsPerRequest: Math.max(0, (cpu * 1000) / sent),
      wallMsPerRequest: (elapsed * 1000 * options.concurrency) / sent,
      statuses,
    };
  } finally {
    client.close();
  }
}
