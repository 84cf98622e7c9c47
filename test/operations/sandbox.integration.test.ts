import { exec, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { freePort } from '../helpers/redis-server';
import { GATEWAY_NODE_FLAGS } from '../../src/node-flags';

const ROOT = join(__dirname, '..', '..');

/**
 * The zero-config promise: `npm start` with nothing configured runs a sandbox and prints a test key
 * and a Node snippet that works exactly as printed.
 */
describe('zero-config sandbox', () => {
  it('prints a snippet that creates a session as printed, and Loops webhooks reach the gateway', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    // Only PATH and the two ports (the defaults may be taken on a shared machine): no configuration.
    const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, '--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), EMULATOR_PORT: String(emulatorPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('node -e')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no banner:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toContain('SANDBOX');
      expect(output).toContain('not for production');
      const snippet = /node -e "(.*)"/.exec(output)?.[1] ?? '';
      const key = /test API key\s+(sk_test_sandbox_[0-9a-f]+)/.exec(output)?.[1] ?? '';
      const { stdout } = await promisify(exec)(`node -e "${snippet}"`, { cwd: ROOT, timeout: 20_000 });
      const [id, url] = stdout.trim().split(' ');
      expect(id).toMatch(/^cs_/);
      expect(url).toBe(`http://127.0.0.1:${emulatorPort}/checkout/${id}`);

      // Paying in the emulated Loops sends its webhooks to the sandbox gateway, which records the event.
      await fetch(`http://127.0.0.1:${emulatorPort}/_emulator/sessions/${id}/complete`, { method: 'POST' });
      const stripe = new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' });
      const until = Date.now() + 10_000;
      let events: Stripe.Event[] = [];
      while (!events.some((e) => e.type === 'checkout.session.completed') && Date.now() < until) {
        events = (await stripe.events.list({ limit: 10 })).data;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(events.map((e) => e.type)).toContain('checkout.session.completed');
      expect((await stripe.checkout.sessions.retrieve(id ?? '')).status).toBe('complete');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 60_000);
});
