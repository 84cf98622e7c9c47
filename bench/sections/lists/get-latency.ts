import { Pool } from 'undici';
import { percentile } from '../../load/percentile';

export interface GetLatency {
  requests: number;
  non2xx: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** What the first answer held: the sanity check that a query matches what its name says. */
  first: { status: number; count: number; hasMore: boolean };
}

/**
 * One GET, again and again on one connection for `seconds` (at least `minRequests`): each
 * request's latency is the gateway's own cost for it, with no queue in front.
 */
export async function measureGet(baseUrl: string, apiKey: string, path: string, seconds: number, minRequests = 100): Promise<GetLatency> {
  const pool = new Pool(baseUrl, { connections: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let non2xx = 0;
  let first: GetLatency['first'] | undefined;
  const until = performance.now() + seconds * 1000;
  try {
    while (performance.now() < until || latencies.length < minRequests) {
      const sent = performance.now();
      const response = await pool.request({ method: 'GET', path, headers: { authorization: `Bearer ${apiKey}` } });
      const text = await response.body.text();
      latencies.push(performance.now() - sent);
      if (response.statusCode < 200 || response.statusCode >= 300) non2xx += 1;
      if (!first) {
        const body = JSON.parse(text) as { data?: unknown[]; has_more?: boolean };
        first = { status: response.statusCode, count: body.data?.length ?? -1, hasMore: body.has_more ?? false };
      }
    }
  } finally {
    await pool.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    non2xx,
    latencyMs: { p50: percentile(latencies, 0.5), p90: percentile(latencies, 0.9), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    first: first ?? { status: 0, count: -1, hasMore: false },
  };
}
