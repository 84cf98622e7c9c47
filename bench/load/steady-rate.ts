import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { freshIdempotencyKey, type CreateSessionRequest } from './create-session-request';
import type { LoadResult } from './load-result';
import { percentile } from './percentile';

export interface SteadyRateResult extends LoadResult {
  /** How late the generator sent its latest request (ms): large values mean the load machine, not the target, lagged. */
  maxSendLagMs: number;
}

/**
 * Open-loop latency at a fixed arrival rate: request i is sent at start + i/rate, whether or not
 * earlier ones were answered, so the target sees an even stream and the latency is its own
 * cost, not a queue the load tool built.
 *
 * Not autocannon's `overallRate`: autocannon resets a per-connection budget once a second, so all
 * of a second's requests leave in a burst at the top of the second (measured: 200 req/s arrived
 * within ~100 ms), and its coordinated-omission correction assumes a 1 ms interval at any rate.
 */
export async function measureAtSteadyRate(baseUrl: string, request: CreateSessionRequest, rate: number, seconds: number): Promise<SteadyRateResult> {
  // More connections than a healthy target ever needs at this rate; a slow target queues in the
  // pool and that wait is part of its latency.
  const pool = new Pool(baseUrl, { connections: 64, keepAliveTimeout: 30_000, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const count = Math.max(1, Math.round(rate * seconds));
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let maxSendLagMs = 0;

  const send = async () => {
    const sentAt = performance.now();
    try {
      const response = await pool.request({
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'idempotency-key': freshIdempotencyKey() },
        body: request.body,
      });
      await response.body.arrayBuffer();
      latencies.push(performance.now() - sentAt);
      const code = String(response.statusCode);
      statusCodes[code] = (statusCodes[code] ?? 0) + 1;
    } catch {
      errors += 1;
    }
  };

  const pending: Promise<void>[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      // Due times are absolute, so timer overshoot on one request is taken back on the next.
      if (wait >= 1) await sleep(wait);
      maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
      pending.push(send());
    }
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  const elapsedSeconds = (performance.now() - start) / 1000;

  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statusCodes).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0);
  return {
    okPerSecond: ok / elapsedSeconds,
    total: count,
    ok,
    non2xx: latencies.length - ok,
    errors,
    statusCodes,
    latencyMs: { p50: percentile(latencies, 0.5), p90: percentile(latencies, 0.9), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    seconds: elapsedSeconds,
    maxSendLagMs,
  };
}
