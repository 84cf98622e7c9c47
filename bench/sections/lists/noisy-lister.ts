import { Pool } from 'undici';

/**
 * A merchant running filtered lists in parallel against the gateway, in its own process (so its
 * CPU is not the neighbour's load generator's): LISTER_CONCURRENCY closed loops, each sending the
 * next of LISTER_PATHS as soon as the last is answered, from `ready` until SIGTERM; then one JSON line of counts.
 */
const url = process.env.LISTER_URL ?? '';
const key = process.env.LISTER_KEY ?? '';
const paths = (process.env.LISTER_PATHS ?? '').split('\n').filter(Boolean);
const concurrency = Number(process.env.LISTER_CONCURRENCY ?? 8);
const pool = new Pool(url, { connections: concurrency, keepAliveTimeout: 30_000 });
const counts = { requests: 0, non2xx: 0, errors: 0, startedAt: performance.now() };
let stopping = false;

async function loop(offset: number): Promise<void> {
  for (let i = offset; !stopping; i++) {
    try {
      const response = await pool.request({ method: 'GET', path: paths[i % paths.length] ?? '/', headers: { authorization: `Bearer ${key}` } });
      await response.body.arrayBuffer();
      counts.requests += 1;
      if (response.statusCode >= 300) counts.non2xx += 1;
    } catch {
      if (!stopping) counts.errors += 1;
    }
  }
}

process.on('SIGTERM', () => {
  stopping = true;
  const seconds = (performance.now() - counts.startedAt) / 1000;
  process.stdout.write(`${JSON.stringify({ requests: counts.requests, non2xx: counts.non2xx, errors: counts.errors, seconds })}\n`, () =>
    process.exit(0),
  );
});
for (let i = 0; i < concurrency; i++) void loop(i);
process.stdout.write('ready\n');
