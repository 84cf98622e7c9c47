/**
 * The `node` options the gateway is started with (the image's CMD, `npm start`, the bench), for
 * what V8 only reads at start-up. Side-effect free, so the bench and the tests can import it.
 *
 * `--max-semi-space-size=8`: V8's young generation is two semi-spaces; on 64-bit it lets each grow
 * to 16 MiB, and under load the gateway's do, so 32 MiB of the resident set is young generation.
 * At 8 MiB each, a minor GC runs twice as often (about once per 50 creates at 50 connections
 * instead of once per 100), each taking 2.4–3.5 ms instead of 3.5. Measured on a 2-core machine,
 * two runs each way: 20,000 creates at 50 connections against the lean upstream, peak RSS 161–167
 * → 145 MiB and minor-GC time +14 to +38 µs per create; the webhooks bench (paired runs), peak RSS
 * 162 → 144–147 MiB and gateway CPU per event +2 % and +8 % (1.40 → 1.43, 0.99 → 1.07 ms). Issue
 * 13's RSS target is 150 MiB. The old generation's growth is set at run time (heap-growth.ts).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/**
 * The GATEWAY_NODE_FLAGS this process was not started with (from `process.execArgv` and
 * NODE_OPTIONS), so `main.ts` can say so: V8 reads them only at start-up, and someone who starts
 * `dist/main.js` another way would otherwise only notice a larger resident set. V8 spells an
 * option with `-` or `_` and takes its value after `=` or as the next argument; the last one given wins.
 */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Map<string, string>();
  const args = [...nodeOptions.split(/\s+/).filter(Boolean), ...execArgv];
  args.forEach((arg, i) => {
    if (!arg.startsWith('--')) return;
    const [name = '', value] = arg.split('=', 2);
    given.set(name.replaceAll('_', '-'), value ?? args[i + 1] ?? '');
  });
  return GATEWAY_NODE_FLAGS.filter((flag) => {
    const [name = '', value = ''] = flag.split('=', 2);
    return given.get(name) !== value;
  });
}
