import { join } from 'node:path';
import Stripe from 'stripe';
import { freePort } from '../../helpers/redis-server';
import { baseEnv, startGroup } from './process-group';

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

/** A stripe-node client for a gateway on this machine (no retries: a test wants the first answer). */
export function localStripe(key: string, port: number): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

/**
 * The README's one command, `node examples/with-sandbox.js <example>`, on free ports (its
 * APP_PORT, GATEWAY_PORT and EMULATOR_PORT): the gateway sandbox and the example app as child
 * processes. Resolves once it prints that the app is running.
 */
export async function startExample(name: string, timeoutMs = 90_000): Promise<RunningExample> {
  const [appPort, gatewayPort, emulatorPort] = [await freePort(), await freePort(), await freePort()];
  const launcher = startGroup(process.execPath, [join(ROOT, 'examples', 'with-sandbox.js'), name], {
    cwd: ROOT,
    env: baseEnv({ APP_PORT: String(appPort), GATEWAY_PORT: String(gatewayPort), EMULATOR_PORT: String(emulatorPort) }),
  });
  try {
    await launcher.waitForOutput(new RegExp(`${name} is running: open`), timeoutMs);
  } catch (error) {
    await launcher.close();
    throw error;
  }
  return {
    appUrl: `http://127.0.0.1:${appPort}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
    stripe: () => localStripe(EXAMPLE_KEYS.apiKey, gatewayPort),
    output: launcher.output,
    close: launcher.close,
  };
}
