import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMappingFile } from '../../../src/mappings/mapping-files';
import { createLoopsCatalog } from '../../../test/helpers/loops-catalog';
import { deletePrefix, startEmulatorProcess, startGatewayProcess, startRedis, type BenchServer } from '../../harness';

/** Obviously fake credentials, loopback only. */
export const KEYS = { gateway: 'sk_test_bench_hostile_input_key', loops: 'loops_bench_key_not_real' } as const;
const STRIPE_PRICE = 'price_bench_mug';
/** Expired sessions, each with its `checkout.session.expired` event: what `GET /v1/events` filters. */
const SEEDED_EVENTS = 20;

export interface HostileStack {
  gateway: BenchServer;
  /** What the hostile requests address: an open session, a stored event and the mapped price. */
  ids: { session: string; event: string; price: string };
  events: number;
  stop(): Promise<void>;
}

/**
 * Redis, the emulator and ONE gateway, each in its own process, with one mapped price, an open
 * session and a few stored events, so the id routes and the event filter have something to find.
 */
export async function startHostileStack(
  build: { gatewayMain: string; emulatorMain: string },
  options: { cpuProfileDir?: string } = {},
): Promise<HostileStack> {
  const started: { stop(): Promise<void> }[] = [];
  const mappingsDir = mkdtempSync(join(tmpdir(), 'gw-bench-hostile-'));
  const keyPrefix = `bench-${randomBytes(6).toString('hex')}`;
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    rmSync(mappingsDir, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    started.push(redis.external ? { stop: () => deletePrefix(redis.url, keyPrefix) } : redis);
    const emulator = await startEmulatorProcess(build.emulatorMain, KEYS.loops);
    started.push(emulator);
    const catalog = await createLoopsCatalog(emulator.url, KEYS.loops, [
      { stripePriceId: STRIPE_PRICE, name: 'Bench mug', unitAmount: 1250, currency: 'usd' },
    ]);
    await writeMappingFile(mappingsDir, 'default', catalog);
    const gateway = await startGatewayProcess(build.gatewayMain, {
      redisUrl: redis.url,
      redisKeyPrefix: keyPrefix,
      loopsApiBase: emulator.url,
      loopsApiKey: KEYS.loops,
      gatewayApiKey: KEYS.gateway,
      mappingsDir,
      nodeArgs: options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [],
    });
    started.push(gateway);

    const session = await call(gateway.url, 'POST', '/v1/checkout/sessions', `mode=payment&line_items[0][price]=${STRIPE_PRICE}`);
    for (let i = 0; i < SEEDED_EVENTS; i++) {
      const expired = await call(gateway.url, 'POST', '/v1/checkout/sessions', `mode=payment&line_items[0][price]=${STRIPE_PRICE}`);
      await call(gateway.url, 'POST', `/v1/checkout/sessions/${expired.id}/expire`, '');
    }
    const [event] = ((await call(gateway.url, 'GET', '/v1/events?limit=1')) as unknown as { data: { id: string }[] }).data;
    if (!event) throw new Error('expiring sessions recorded no event');
    return { gateway, ids: { session: session.id, event: event.id, price: STRIPE_PRICE }, events: SEEDED_EVENTS, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function call(url: string, method: string, path: string, body?: string): Promise<{ id: string }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEYS.gateway}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await response.json()) as { id: string };
  if (!response.ok) throw new Error(`setup: ${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}
