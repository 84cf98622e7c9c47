import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './redis-server';
import { GATEWAY_NODE_FLAGS } from '../../src/node-flags';

export interface GatewayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** What the process printed (for diagnosing a failed drill). */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

const ROOT = join(__dirname, '..', '..');

/**
 * The real gateway (`src/main.ts`) as its own process, for drills that kill or restart it, started
 * with the node options production uses (`nodeFlags`, src/node-flags.ts). Resolves once `/readyz` answers 200.
 */
export async function startGatewayProcess(
  env: Record<string, string>,
  port?: number,
  nodeFlags: readonly string[] = GATEWAY_NODE_FLAGS,
): Promise<GatewayProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env, PORT: String(listenPort), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: listenPort,
    child,
    output: () => output,
    kill: (signal) =>
      new Promise((resolve) => {
        // A process ended by a signal has a signalCode and a null exitCode.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
