import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../src/node-flags';
import { freePort, startRedisServer } from '../../test/helpers/redis-server';
import { onCleanup, spawnChild, type ManagedChild } from './children';
import { REPO_ROOT } from './paths';
import { waitForHttp } from './wait-ready';

export { freePort };

/** A server the bench started (or was given), reachable on loopback. */
export interface BenchServer {
  url: string;
  /** The process to sample (RSS); undefined for a Redis the bench did not start. */
  child?: ManagedChild;
  stop(): Promise<void>;
}

/**
 * Only what a process needs: PATH and HOME, never the caller's whole environment, so a stray
 * GATEWAY_API_KEYS or LOOPS_API_KEY in the shell cannot change what is measured.
 */
function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' };
}

/** `REDIS_URL` when set (left running), else a throw-away redis-server child on a free port. */
export async function startRedis(): Promise<BenchServer & { external: boolean }> {
  const external = process.env.REDIS_URL;
  if (external) return { url: external, external: true, stop: async () => undefined };
  const redis = await startRedisServer();
  const unregister = onCleanup(() => redis.stop());
  return {
    url: redis.url,
    external: false,
    stop: async () => {
      unregister();
      await redis.stop();
    },
  };
}

export async function startEmulatorProcess(emulatorMain: string, apiKey: string): Promise<BenchServer> {
  const port = await freePort();
  const child = spawnChild('emulator', process.execPath, [emulatorMain], {
    ...baseEnv(),
    EMULATOR_PORT: String(port),
    EMULATOR_API_KEYS: apiKey,
    LOG_LEVEL: 'silent',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/_emulator/health`, child);
  return { url, child, stop: child.stop };
}

export interface GatewaySettings {
  redisUrl: string;
  redisKeyPrefix: string;
  loopsApiBase: string;
  loopsApiKey: string;
  gatewayApiKey: string;
  mappingsDir: string;
  /** Added to the gateway's environment (e.g. the webhook variables of the webhooks section). */
  env?: Record<string, string>;
  /** Node flags before main.js (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** The gateway as production runs it: `node <GATEWAY_NODE_FLAGS> dist/main.js` (the image's CMD), configured by environment only. */
export async function startGatewayProcess(gatewayMain: string, settings: GatewaySettings): Promise<BenchServer> {
  const port = await freePort();
  const child = spawnChild('gateway', process.execPath, [...GATEWAY_NODE_FLAGS, ...(settings.nodeArgs ?? []), gatewayMain], {
    ...baseEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: settings.redisKeyPrefix,
    LOOPS_API_BASE: settings.loopsApiBase,
    LOOPS_API_KEY: settings.loopsApiKey,
    GATEWAY_API_KEYS: settings.gatewayApiKey,
    MAPPINGS_DIR: settings.mappingsDir,
    LOG_LEVEL: 'warn',
    // The bench measures the gateway's own cost at load; one key sends far more than Stripe's
    // per-key rate (RATE_LIMIT_PER_SECOND, default 100/s), so the limiter is off here.
    RATE_LIMIT_PER_SECOND: '0',
    ...settings.env,
  });
  const url = `http://127.0.0.1:${port}`;
  // /readyz, not /healthz: ready means Redis answers, so the first measured request is not a retry.
  await waitForHttp(`${url}/readyz`, child);
  return { url, child, stop: child.stop };
}

export interface ProxySettings {
  loopsApiBase: string;
  loopsApiKey: string;
  loopsPriceId: string;
}

/**
 * One of the bench's own TypeScript servers (bench/<script>) in its own process, on a free port
 * that `env` hands it, ready once `healthPath` answers.
 */
async function startBenchScript(
  name: string,
  script: string,
  healthPath: string,
  env: (port: number) => Record<string, string>,
): Promise<BenchServer> {
  const port = await freePort();
  const child = spawnChild(name, process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', script)], { ...baseEnv(), ...env(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${healthPath}`, child);
  return { url, child, stop: child.stop };
}

/** bench/pass-through-proxy.ts in its own process, like the gateway, so neither shares the load generator's CPU. */
export function startProxyProcess(settings: ProxySettings): Promise<BenchServer> {
  return startBenchScript('pass-through proxy', 'pass-through-proxy.ts', '/healthz', (port) => ({
    PROXY_PORT: String(port),
    PROXY_UPSTREAM: settings.loopsApiBase,
    PROXY_LOOPS_KEY: settings.loopsApiKey,
    PROXY_LOOPS_PRICE: settings.loopsPriceId,
  }));
}

export interface MinimalStackSettings {
  loopsApiBase: string;
  redisUrl: string;
  /** Its Redis keys start with this (the bench deletes a shared Redis's keys by prefix). */
  redisKeyPrefix: string;
}

/** bench/minimal-stack.ts (the floor under the gateway's create) in its own process. */
export function startMinimalStackProcess(settings: MinimalStackSettings): Promise<BenchServer> {
  return startBenchScript('minimal stack', 'minimal-stack.ts', '/healthz', (port) => ({
    FLOOR_PORT: String(port),
    FLOOR_UPSTREAM: settings.loopsApiBase,
    FLOOR_REDIS_URL: settings.redisUrl,
    FLOOR_REDIS_PREFIX: settings.redisKeyPrefix,
  }));
}

export interface LeanLoopsSettings {
  /** What every session it answers costs (minor units), so the gateway's amount check passes. */
  amountTotal: number;
  currency: string;
}

/** bench/lean-loops.ts in its own process: the upstream that costs next to nothing. */
export function startLeanLoopsProcess(settings: LeanLoopsSettings): Promise<BenchServer> {
  return startBenchScript('lean Loops', 'lean-loops.ts', '/_lean/health', (port) => ({
    LEAN_PORT: String(port),
    LEAN_AMOUNT_TOTAL: String(settings.amountTotal),
    LEAN_CURRENCY: settings.currency,
  }));
}
