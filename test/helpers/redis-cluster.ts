import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server';

const run = promisify(execFile);

/** A real Redis Cluster of `redis-server --cluster-enabled yes` children on loopback ports. */
export interface RedisClusterProcess {
  nodes: { host: string; port: number }[];
  /** `host:port,host:port,…`: the value for REDIS_CLUSTER_NODES. */
  seeds: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const CREATE_TIMEOUT_MS = 30_000;
const CLUSTER_OK_TIMEOUT_MS = 30_000;

function findBinary(name: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * Starts `size` masters (no replicas), joins them with `redis-cli --cluster create` and waits
 * until every node reports `cluster_state:ok`. Each node gets an explicit cluster bus port
 * (`--cluster-port`): the default, port + 10000, may be taken or beyond 65535 for an ephemeral
 * port. On any failure everything started so far is killed before the error is thrown.
 */
export async function startRedisCluster(size = 3): Promise<RedisClusterProcess> {
  const server = findBinary('redis-server');
  const cli = findBinary('redis-cli');
  if (!server || !cli) {
    throw new Error(
      `The Redis Cluster test needs ${[!server && 'redis-server', !cli && 'redis-cli'].filter(Boolean).join(' and ')} on PATH ` +
        "(Debian: 'apt-get install redis-server', which brings redis-cli through redis-tools); .ci/run installs it.",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'gw-redis-cluster-'));
  const children: ChildProcess[] = [];
  const nodes: { host: string; port: number }[] = [];
  const stop = async () => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await distinctFreePorts(2 * size);
    for (let i = 0; i < size; i++) {
      const [port, busPort] = [ports[2 * i] ?? 0, ports[2 * i + 1] ?? 0];
      const child = spawn(
        server,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-port',
          String(busPort),
          '--cluster-node-timeout',
          '5000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      await waitForReady(child, port);
      nodes.push({ host: '127.0.0.1', port });
    }
    const addresses = nodes.map((node) => `${node.host}:${node.port}`);
    await run(cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: CREATE_TIMEOUT_MS }).catch(
      (error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`redis-cli --cluster create failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    await waitForClusterOk(cli, nodes);
    return { nodes, seeds: addresses.join(','), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count; tries++) {
    if (tries > 10 * count) throw new Error('could not find free loopback ports for the Redis Cluster');
    ports.add(await freePort());
  }
  return [...ports];
}

async function waitForClusterOk(cli: string, nodes: { host: string; port: number }[]): Promise<void> {
  const deadline = Date.now() + CLUSTER_OK_TIMEOUT_MS;
  let last = '';
  for (;;) {
    const states = await Promise.all(
      nodes.map(async (node) => {
        const info = await run(cli, ['-h', node.host, '-p', String(node.port), 'cluster', 'info'], { timeout: 5_000 })
          .then((result) => result.stdout)
          .catch((error: Error) => error.message);
        return /cluster_state:ok/.test(info) ? 'ok' : `${node.port}: ${info.split('\n')[0] ?? ''}`;
      }),
    );
    if (states.every((state) => state === 'ok')) return;
    last = states.join('; ');
    if (Date.now() > deadline) throw new Error(`the Redis Cluster did not reach cluster_state:ok (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`redis-server on port ${port} did not start:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      // Keep reading after start-up so the pipe never fills, but keep only the beginning.
      if (output.length < 20_000) output += chunk.toString();
      if (!ready && output.includes('Ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`redis-server on port ${port} exited with ${code}:\n${output}`));
    });
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
