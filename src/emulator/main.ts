import { readEmulatorEnv } from './env';
import { startEmulator } from './server';

/** A demo product so the printed `curl` works on a fresh start (`POST /_emulator/reset` removes it). */
const DEMO_PRODUCT = { id: 'prod_emulator_demo', defaultPriceId: 'price_emulator_demo', name: 'Emulator demo T-shirt', priceAmount: 2999, priceCurrency: 'USD' };

async function main(): Promise<void> {
  const env = readEmulatorEnv(process.env);
  if (!env.ok) {
    process.stderr.write(`Invalid Loops emulator configuration:\n${env.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const emulator = await startEmulator(env.options);
  await seedDemoProduct(emulator.url);
  printBanner(emulator.url, env.options.apiKeys[0] ?? '', env.defaultKeyUsed);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the Loops emulator\n`);
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function seedDemoProduct(url: string): Promise<void> {
  const response = await fetch(`${url}/_emulator/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_PRODUCT),
  });
  if (!response.ok) throw new Error(`could not seed the demo product: HTTP ${response.status}`);
}

function printBanner(url: string, key: string, defaultKeyUsed: boolean): void {
  const body = JSON.stringify({ productId: DEMO_PRODUCT.id, quantity: 1, successUrl: 'https://example.com/thanks' });
  process.stdout.write(
    [
      '',
      `Loops emulator listening on ${url}`,
      `API key: ${key}${defaultKeyUsed ? '   (default test key; set EMULATOR_API_KEYS to choose your own)' : ''}`,
      `Admin API: ${url}/_emulator/…   (see docs/emulator.md)`,
      '',
      'Create a checkout session, then open its "url" in a browser:',
      `  curl -s -X POST ${url}/api/v2/checkout/sessions -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' -d '${body}'`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Loops emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
