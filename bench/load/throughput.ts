import autocannon from 'autocannon';
import { freshIdempotencyKey, type CreateSessionRequest } from './create-session-request';
import type { LoadResult } from './load-result';

/**
 * Closed-loop throughput: `connections` clients each send the next request as soon as the last is
 * answered, for `seconds`. Every request gets a fresh Idempotency-Key, as stripe-node sends, so
 * each one is a real create (no replay from the idempotency cache).
 */
export async function measureThroughput(baseUrl: string, request: CreateSessionRequest, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
        // autocannon hands in a copy of the request, so adding the header here is per request.
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': freshIdempotencyKey() } }),
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, Number(stats.count)]));
  const total = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
  return {
    okPerSecond: result['2xx'] / result.duration,
    total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    seconds: result.duration,
  };
}
