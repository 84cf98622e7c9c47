import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandIo } from '../../src/cli/command-io';
import { runMapCommand } from '../../src/cli/map-command';
import { runMappingsCommand } from '../../src/cli/mappings-command';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import type { MappingResult } from '../../src/mapping-tool/report/mapping-result';
import { mappingFileSchema, type MappingFile } from '../../src/mappings/mapping-file';
import { emulatorAdmin, TEST_KEYS, type EmulatorAdmin } from './stack';
import type { StripeObject } from './stripe-catalog-fixtures';
import { startStripeCatalogServer, STRIPE_CATALOG_KEY, type StripeCatalogServer } from './stripe-catalog-server';

const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface InProcessRun {
  code: number;
  result: MappingResult | undefined;
  stdout: string;
  stderr: string;
}

export interface MappingHarness {
  emulator: RunningEmulator;
  loops: EmulatorAdmin;
  stripe: StripeCatalogServer;
  mappingsDir: string;
  /** The environment a merchant would set: the gateway's variables plus the Stripe ones. */
  env: Record<string, string>;
  /** Runs a CLI (`map-products` or `mappings`) from source as a child process and waits for it. */
  cli(script: 'map-products' | 'mappings', args: string[], env?: Record<string, string | undefined>): Promise<CliRun>;
  /** `map` in this process: the CLI's own code (arguments, config, deps), output captured. */
  map(args: string[], env?: Record<string, string | undefined>, stop?: AbortSignal): Promise<InProcessRun>;
  /** `mappings …` in this process. */
  mappings(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string }>;
  /** Starts a CLI child without waiting (for kill drills). */
  spawnCli(
    script: 'map-products' | 'mappings',
    args: string[],
    env?: Record<string, string | undefined>,
  ): { child: ChildProcess; done: Promise<CliRun> };
  /** The tenant's mapping file, validated by the real schema; undefined when absent. */
  mappingFile(tenant?: string): MappingFile | undefined;
  productsCreated(): Promise<number>;
  /** Loops products tagged with each Stripe price id (metadata.stripe_price_id). */
  loopsProductsByPrice(): Promise<Map<string, string[]>>;
  close(): Promise<void>;
}

/** Emulator + Stripe catalog server + a mappings dir + a Redis key prefix of its own. */
export async function startMappingHarness(catalog: { products: StripeObject[]; prices: StripeObject[] }, redis = true): Promise<MappingHarness> {
  const emulator = await startEmulator({ port: 0, apiKeys: [TEST_KEYS.loops], logLevel: 'silent' });
  const loops = emulatorAdmin(emulator.url);
  const stripe = await startStripeCatalogServer(catalog);
  const mappingsDir = mkdtempSync(join(tmpdir(), 'map-tool-'));
  const redisUrl = process.env.REDIS_URL;
  if (redis && !redisUrl) throw new Error('REDIS_URL is not set: run the tests through jest (test/helpers/global-setup.ts)');
  const env: Record<string, string> = {
    GATEWAY_API_KEYS: TEST_KEYS.gateway,
    LOOPS_API_BASE: emulator.url,
    LOOPS_API_KEY: TEST_KEYS.loops,
    LOOPS_TIMEOUT_MS: '1500',
    MAPPINGS_DIR: mappingsDir,
    STRIPE_SECRET_KEY: STRIPE_CATALOG_KEY,
    STRIPE_API_BASE: stripe.url,
    LOG_LEVEL: 'error',
    ...(redis && redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `test-map-${randomBytes(5).toString('hex')}` } : {}),
  };

  const spawnCli: MappingHarness['spawnCli'] = (script, args, extra = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', `${script}.ts`), ...args], {
      cwd: ROOT,
      // An override of `undefined` removes the variable.
      env: Object.fromEntries(Object.entries({ PATH: process.env.PATH ?? '', ...env, ...extra }).filter(([, value]) => value !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<CliRun>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, done };
  };

  const captured = (extra: Record<string, string | undefined>, stop?: AbortSignal) => {
    const output = { stdout: '', stderr: '' };
    const io: CommandIo = {
      env: { ...env, ...extra },
      out: (text) => (output.stdout += text),
      err: { write: (text: string) => (output.stderr += text) },
      tty: false,
      ...(stop ? { stop } : {}),
    };
    return { io, output };
  };

  return {
    emulator,
    loops,
    stripe,
    mappingsDir,
    env,
    spawnCli,
    async map(args, extra = {}, stop) {
      const { io, output } = captured(extra, stop);
      const { code, result } = await runMapCommand(args, io);
      return { code, result, ...output };
    },
    async mappings(args, extra = {}) {
      const { io, output } = captured(extra);
      const code = await runMappingsCommand(args, io);
      return { code, stdout: output.stdout };
    },
    cli: (script, args, extra) => spawnCli(script, args, extra).done,
    mappingFile(tenant = 'default') {
      let text: string;
      try {
        text = readFileSync(join(mappingsDir, `${tenant}.json`), 'utf8');
      } catch {
        return undefined;
      }
      return mappingFileSchema.parse(JSON.parse(text));
    },
    productsCreated: async () => (await loops.admin('GET', '/_emulator/stats')).json.productsCreated as number,
    async loopsProductsByPrice() {
      const byPrice = new Map<string, string[]>();
      for (let offset = 0; ; offset += 100) {
        const page = (await loops.api('GET', `/api/v3/products?limit=100&offset=${offset}`)).json;
        for (const product of page.data as { id: string; metadata: Record<string, string> }[]) {
          const priceId = product.metadata.stripe_price_id;
          if (priceId) byPrice.set(priceId, [...(byPrice.get(priceId) ?? []), product.id]);
        }
        if (!page.has_more) return byPrice;
      }
    },
    async close() {
      await stripe.close();
      await emulator.close();
      rmSync(mappingsDir, { recursive: true, force: true });
    },
  };
}
