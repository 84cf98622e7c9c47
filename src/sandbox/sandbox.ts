import { existsSync } from 'node:fs';
import type { Config } from '../config';
import type { RunningEmulator } from '../emulator';
import { mappingFilePath, readMappingFile } from '../mappings/mapping-files';
import type { MappingFile } from '../mappings/mapping-file';
import type { Logger } from '../observability/logger';

/** The sandbox's catalog when the tenant has no mapping file of its own. */
export const SANDBOX_CATALOG = 'example';

/**
 * The zero-config sandbox (README.md "Two commands"): Loops is the emulator, in this process, with
 * the products of the sandbox catalog already created, so the printed snippet works as printed.
 */
export async function startSandboxLoops(config: Config, logger: Logger): Promise<{ emulator: RunningEmulator; catalog: MappingFile }> {
  const sandbox = config.sandbox;
  if (!sandbox) throw new Error('not a sandbox configuration');
  // Loaded here, not at the top: a configured gateway never runs the emulator, and its 60 modules
  // (source and bytecode, ~1.4 MiB of heap) would otherwise stay resident in every instance.
  const { startEmulator } = require('../emulator') as typeof import('../emulator');
  const emulator = await startEmulator({
    port: sandbox.emulatorPort,
    // Same interface as the gateway, so a sandbox in a container serves its hosted pages too.
    host: config.host,
    publicUrl: `http://${browsableHost(config.host)}:${sandbox.emulatorPort}`,
    apiKeys: [sandbox.loopsApiKey],
    logLevel: 'warn',
    // Loops' webhooks come back to this gateway, as a real Loops account would be configured.
    webhooks: [{ url: `http://127.0.0.1:${config.port}/webhooks/loops`, secret: sandbox.loopsWebhookSecret }],
  });
  const tenant = existsSync(mappingFilePath(config.mappingsDir, 'default')) ? 'default' : SANDBOX_CATALOG;
  const catalog = await readMappingFile(config.mappingsDir, tenant);
  for (const entry of Object.values(catalog.prices)) {
    if (!entry.loopsProductId) continue;
    const response = await fetch(`${emulator.url}/_emulator/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: entry.loopsProductId,
        name: entry.productName,
        priceAmount: entry.unitAmount,
        priceCurrency: entry.currency,
        ...(entry.loopsPriceId ? { defaultPriceId: entry.loopsPriceId } : {}),
        ...(entry.recurring ? { recurringInterval: entry.recurring.interval } : {}),
      }),
    });
    if (!response.ok) logger.warn({ product: entry.loopsProductId, status: response.status }, 'could not seed a sandbox product');
  }
  return { emulator, catalog };
}

/** A wildcard bind address is not somewhere a browser or client can go; localhost is. */
function browsableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

export function sandboxBanner(config: Config, port: number, emulatorUrl: string, catalog: MappingFile): string {
  const key = config.tenants[0]?.apiKeys[0] ?? '';
  const host = browsableHost(config.host);
  const gateway = `http://${host}:${port}`;
  const price = Object.entries(catalog.prices).find(([, entry]) => !entry.recurring)?.[0] ?? 'price_sandbox_tshirt';
  const recurring = Object.entries(catalog.prices).find(([, entry]) => entry.recurring)?.[0];
  const snippet =
    `const Stripe = require('stripe'); ` +
    `const stripe = new Stripe('${key}', { host: '${host}', port: ${port}, protocol: 'http' }); ` +
    `stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: '${price}', quantity: 1 }], ` +
    `success_url: 'https://example.com/success?session_id={CHECKOUT_SESSION_ID}' }).then((s) => console.log(s.id, s.url));`;
  return [
    '',
    'Stripe-to-Loops gateway: SANDBOX (in-memory stores and an emulated Loops; not for production)',
    `  gateway         ${gateway}`,
    `  test API key    ${key}`,
    `  Loops emulator  ${emulatorUrl} (hosted checkout pages: open a session's url and press Pay)`,
    `  prices          ${Object.keys(catalog.prices).join(', ')}`,
    '',
    'Create a checkout session from this directory:',
    `  node -e "${snippet}"`,
    '',
    'or with curl:',
    `  curl ${gateway}/v1/checkout/sessions -u ${key}: -d mode=payment -d "line_items[0][price]=${price}" -d "line_items[0][quantity]=1" -d success_url=https://example.com/success`,
    '',
    ...(recurring ? subscriptionLines(gateway, key, recurring) : []),
  ].join('\n');
}

/** A subscription with a trial on the catalog's recurring price, then the customer portal (docs/loops-contract.md §8). */
function subscriptionLines(gateway: string, key: string, price: string): string[] {
  return [
    `A subscription with a 14-day trial (${price} is a recurring price); once paid, retrieve the session for its \`customer\`:`,
    `  curl ${gateway}/v1/checkout/sessions -u ${key}: -d mode=subscription -d "line_items[0][price]=${price}" -d "line_items[0][quantity]=1" -d "subscription_data[trial_period_days]=14" -d success_url=https://example.com/success`,
    "and open Loops' customer portal for that customer:",
    `  curl ${gateway}/v1/billing_portal/sessions -u ${key}: -d customer=cus_... -d return_url=https://example.com/account`,
    '',
  ];
}
