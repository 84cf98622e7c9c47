import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docker-compose.yml, checked with docker-compose itself: it validates, and its normalised form
 * (anchors and merges resolved) describes the stack README.md "Deploying" promises — Redis with append-only
 * persistence, the emulator, two gateway instances sharing that Redis.
 */
const ROOT = join(__dirname, '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | null>;
  ports?: (string | { host_ip?: string; published?: string | number; target?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
  stop_grace_period?: string | number;
}
interface ComposeConfig {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function composeBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(
      "docker-compose is not installed: these tests validate docker-compose.yml with it (Debian: 'apt-get install docker-compose'; .ci/run installs it).",
    );
  }
  return path;
}

/**
 * The environment docker-compose interpolates `${…}` from: this process's, without the variables
 * the file reads (so a developer's own WEBHOOK_ENDPOINTS cannot change the answers), plus `extra`.
 */
function composeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.WEBHOOK_ENDPOINTS;
  return { ...env, ...extra };
}

function compose(args: string[], input?: string, extraEnv?: Record<string, string>): string {
  const result = spawnSync(composeBinary(), ['-f', COMPOSE_FILE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    timeout: 60_000,
    env: composeEnv(extraEnv),
  });
  if (result.status !== 0)
    throw new Error(`docker-compose ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/**
 * The normalised configuration as JSON. Compose v2 prints JSON itself; v1 (Debian bookworm's
 * 1.29) only prints YAML, which is parsed with PyYAML from v1's own Python interpreter.
 */
function normalisedConfig(extraEnv?: Record<string, string>): ComposeConfig {
  const binary = composeBinary();
  const version = spawnSync(binary, ['version', '--short'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith('1.')) return JSON.parse(compose(['config', '--format', 'json'], undefined, extraEnv)) as ComposeConfig;
  // v1 answers an unknown `--format` with its help text and status 0, hence the version check.
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(binary, 'utf8').split('\n', 1)[0] ?? '')?.[1];
  if (!shebang || !/python/.test(shebang)) throw new Error(`docker-compose ${version} at ${binary} is not the Python v1 it claims to be`);
  const parsed = spawnSync(shebang, ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: compose(['config'], undefined, extraEnv),
    encoding: 'utf8',
  });
  if (parsed.status !== 0) throw new Error(`could not parse 'docker-compose config' output with ${shebang}:\n${parsed.stderr}`);
  return JSON.parse(parsed.stdout) as ComposeConfig;
}

function service(config: ComposeConfig, name: string): Service {
  const found = config.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function env(svc: Service, name: string): string {
  const value = svc.environment?.[name];
  return value === undefined || value === null ? '' : String(value);
}

/** `[source, target]` of each volume mount, from v1's `src:dst:mode` strings or v2's objects. */
function mounts(svc: Service): [string, string][] {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = ''] = volume.split(':');
      return [source, target];
    }
    return [volume.source ?? '', volume.target ?? ''];
  });
}

/** `[host ip or '*', published, target]`, from v1's `ip:published:target/tcp` strings or v2's objects. */
function ports(svc: Service): [string, number, number][] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'string') {
      const parts = port.replace(/\/tcp$/, '').split(':');
      const [target = '', published = '', ip = '*'] = parts.reverse();
      return [ip, Number(published), Number(target)];
    }
    return [port.host_ip ?? '*', Number(port.published), Number(port.target)];
  });
}

/** A compose duration (`50s`, `1m30s`, `1h`) or v2's nanoseconds, in milliseconds. */
function durationMs(value: string | number | undefined): number {
  if (typeof value === 'number') return value / 1e6;
  const text = value ?? '';
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a compose duration: ${JSON.stringify(value)}`);
  return parts.reduce((sum, [, amount = '0', unit = 's']) => sum + Number(amount) * (units[unit] ?? 0), 0);
}

/** The gateway's own drain budget after SIGTERM, read from src/main.ts so the two cannot drift. */
function shutdownDeadlineMs(): number {
  const source = readFileSync(join(ROOT, 'src', 'main.ts'), 'utf8');
  const found = /SHUTDOWN_DEADLINE_MS\s*=\s*([\d_]+)/.exec(source)?.[1];
  if (!found) throw new Error('src/main.ts no longer declares SHUTDOWN_DEADLINE_MS = <ms>; update this test with it');
  return Number(found.replace(/_/g, ''));
}

const GATEWAYS = ['gateway-1', 'gateway-2'];
let config: ComposeConfig;

beforeAll(() => {
  config = normalisedConfig();
}, 120_000);

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (config -q)', () => {
    expect(compose(['config', '-q'])).toBe('');
  });

  it('defines redis, the emulator and two gateway instances', () => {
    const services = compose(['config', '--services']).split('\n').filter(Boolean);
    expect(services).toEqual(expect.arrayContaining(['redis', 'emulator', ...GATEWAYS]));
  });

  it('runs Redis with append-only persistence on a named volume', () => {
    const redis = service(config, 'redis');
    const command = (redis.command ?? []).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    const named = compose(['config', '--volumes']).split('\n').filter(Boolean);
    const data = mounts(redis).find(([, target]) => target === '/data');
    expect(data).toBeDefined();
    expect(named).toContain(data?.[0]);
  });

  it('points both gateways at the same Redis and at the emulator, after both are healthy', () => {
    for (const name of GATEWAYS) {
      const gateway = service(config, name);
      expect(env(gateway, 'REDIS_URL')).toBe('redis://redis:6379');
      expect(env(gateway, 'LOOPS_API_BASE')).toBe('http://emulator:4243');
      expect(env(gateway, 'HOST')).toBe('0.0.0.0');
      for (const required of ['LOOPS_API_KEY', 'GATEWAY_API_KEYS', 'STRIPE_WEBHOOK_SECRET', 'LOOPS_WEBHOOK_SECRET']) {
        expect({ name, required, value: env(gateway, required) }).toEqual({ name, required, value: expect.stringMatching(/\S/) });
      }
      expect(gateway.depends_on?.redis?.condition).toBe('service_healthy');
      expect(gateway.depends_on?.emulator?.condition).toBe('service_healthy');
      expect(gateway.healthcheck?.test).toBeDefined();
    }
  });

  it('gives each gateway longer to stop than its own shutdown deadline (Docker’s default 10 s would SIGKILL a drain)', () => {
    const deadline = shutdownDeadlineMs();
    expect(deadline).toBeGreaterThan(10_000);
    for (const name of GATEWAYS) {
      const grace = durationMs(service(config, name).stop_grace_period);
      // Kubernetes' default terminationGracePeriodSeconds: the same budget in both places.
      expect({ name, grace }).toEqual({ name, grace: 30_000 });
      expect(grace).toBeGreaterThan(deadline);
    }
  });

  it('the README tells Kubernetes users the same grace period', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const shutdown = /^- \*\*Shutdown\.\*\*[\s\S]*?(?=^- \*\*|^#)/m.exec(readme)?.[0] ?? '';
    expect(shutdown).toMatch(new RegExp(`${shutdownDeadlineMs() / 1000}\\s*s deadline`));
    const seconds = Number(/terminationGracePeriodSeconds`? (?:of at least|≥|>=) (\d+)/.exec(shutdown)?.[1]);
    expect(seconds).toBe(durationMs(service(config, 'gateway-1').stop_grace_period) / 1000);
  });

  it('sends Stripe events to WEBHOOK_ENDPOINTS from the environment, and nowhere when it is unset', () => {
    for (const name of GATEWAYS) expect({ name, value: env(service(config, name), 'WEBHOOK_ENDPOINTS') }).toEqual({ name, value: '' });
    const handler = 'http://host.docker.internal:3000/webhooks/stripe';
    const configured = normalisedConfig({ WEBHOOK_ENDPOINTS: handler });
    for (const name of GATEWAYS) expect({ name, value: env(service(configured, name), 'WEBHOOK_ENDPOINTS') }).toEqual({ name, value: handler });
    // The README says so, since the demo stack otherwise looks as if it delivers events.
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')).toMatch(/WEBHOOK_ENDPOINTS.{0,300}unset.{0,80}nowhere/);
  });

  it('publishes gateway-1 on 4242, gateway-2 on 4244 and the emulator on 4243, loopback only (its admin API has no auth)', () => {
    expect(ports(service(config, 'gateway-1'))).toEqual([['*', 4242, 4242]]);
    expect(ports(service(config, 'gateway-2'))).toEqual([['*', 4244, 4242]]);
    expect(ports(service(config, 'emulator'))).toEqual([['127.0.0.1', 4243, 4243]]);
  });

  it('runs the emulator from the same image with the keys and webhook secret the gateways use', () => {
    const emulator = service(config, 'emulator');
    const gateway = service(config, 'gateway-1');
    expect(emulator.image).toBe(gateway.image);
    expect(emulator.command).toEqual(['node', 'dist/emulator/main.js']);
    expect(env(emulator, 'EMULATOR_HOST')).toBe('0.0.0.0');
    expect(env(emulator, 'EMULATOR_API_KEYS').split(',')).toContain(env(gateway, 'LOOPS_API_KEY'));
    expect(env(emulator, 'EMULATOR_PUBLIC_URL')).toBe('http://localhost:4243');
    expect(env(emulator, 'EMULATOR_WEBHOOK_URL')).toBe('http://gateway-1:4242/webhooks/loops');
    expect(env(emulator, 'EMULATOR_WEBHOOK_SECRET')).toBe(env(gateway, 'LOOPS_WEBHOOK_SECRET'));
    expect(emulator.healthcheck?.test).toBeDefined();
  });

  it('carries only obviously fake example secrets', () => {
    const secrets = Object.values(config.services).flatMap((svc) =>
      Object.entries(svc.environment ?? {}).filter(([name]) => /KEY|SECRET/.test(name) && !/HEADER/.test(name)),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const [name, value] of secrets) expect({ name, value: String(value) }).toEqual({ name, value: expect.stringContaining('example') });
  });
});
