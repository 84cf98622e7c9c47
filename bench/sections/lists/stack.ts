import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deletePrefix, startEmulatorProcess, startGatewayProcess, startRedis, type BenchServer } from '../../harness';

/** Obviously fake credentials, loopback only. */
export const KEYS = {
  /** Tenant `default`: the merchant with the long history whose lists are measured. */
  big: 'sk_test_bench_lists_big_tenant',
  /** Tenant `neighbour`: another merchant on the same gateway. */
  neighbour: 'sk_test_bench_lists_neighbour',
  loops: 'loops_bench_key_not_real',
} as const;

export interface ListsStack {
  gateway: BenchServer;
  redis: { url: string; external: boolean };
  keyPrefix: string;
  stop(): Promise<void>;
}

/**
 * Redis, the emulator (the gateway needs a Loops to point at; lists never call it) and ONE gateway
 * serving two tenants, each in its own process.
 */
export async function startListsStack(build: { gatewayMain: string; emulatorMain: string }): Promise<ListsStack> {
  const started: { stop(): Promise<void> }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-lists-'));
  const keyPrefix = `bench-${randomBytes(6).toString('hex')}`;
  const stop = async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = await startRedis();
    started.push(redis.external ? { stop: () => deletePrefix(redis.url, keyPrefix) } : redis);
    const emulator = await startEmulatorProcess(build.emulatorMain, KEYS.loops);
    started.push(emulator);
    const tenantsFile = join(dir, 'tenants.json');
    writeFileSync(tenantsFile, JSON.stringify({ tenants: [{ id: 'neighbour', apiKeys: [KEYS.neighbour] }] }));
    const gateway = await startGatewayProcess(build.gatewayMain, {
      redisUrl: redis.url,
      redisKeyPrefix: keyPrefix,
      loopsApiBase: emulator.url,
      loopsApiKey: KEYS.loops,
      gatewayApiKey: KEYS.big,
      mappingsDir: dir,
      env: { TENANTS_FILE: tenantsFile },
    });
    started.push(gateway);
    return { gateway, redis, keyPrefix, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
