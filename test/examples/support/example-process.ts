import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Stripe from 'stripe';
import { freePort } from '../../helpers/redis-server';

export const ROOT = join(__dirname, '..', '..', '..');

/** The fixed, obviously fake key and secret `examples/with-sandbox.js` gives the gateway and the app. */
export const EXAMPLE_KEYS = { apiKey: 'sk_test_examples_sandbox', webhookSecret: 'whsec_examples_sandbox' };

export interface RunningExample {
  appUrl: string;
  gatewayUrl: string;
  emulatorUrl: string;
  /** The test's own Stripe client, pointed at the same sandbox the app uses. */
  stripe(): Stripe;
  output(): string;
  close(): Promise<void>;
}

/**
 * The README's one command, `node examples/with-sandbox.js <example>`, on free ports: the gateway
 * sandbox and the example app as child processes. The launcher leads its own process group, so
 * close() ends it and everything it started even if it died first. Resolves once it prints that
 * the app is running.
 */
export async function startExample(name: string, timeoutMs = 90_000): Promise<RunningExample> {
  const [appPort, gatewayPort, emulatorPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(ROOT, 'examples', 'with-sandbox.js'), name], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      APP_PORT: String(appPort),
      GATEWAY_PORT: String(gatewayPort),
      EMULATOR_PORT: String(emulatorPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const close = () => stopGroup(child);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const check = () => {
        if (output.includes(`${name} is running: open`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code} before it was running:\n${output}`));
      });
    });
  } catch (error) {
    await close();
    throw error;
  }
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  return {
    appUrl: `http://127.0.0.1:${appPort}`,
    gatewayUrl,
    emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
    stripe: () => new Stripe(EXAMPLE_KEYS.apiKey, { host: '127.0.0.1', port: gatewayPort, protocol: 'http', maxNetworkRetries: 0 }),
    output: () => output,
    close,
  };
}

/** SIGTERM to the launcher's group (it stops its children), SIGKILL to the group if that takes over 20 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const exited =
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  // A launcher that did not stop cleanly may have left children behind: they go with its group.
  if (child.exitCode !== 0) signalGroup('SIGKILL');
}
