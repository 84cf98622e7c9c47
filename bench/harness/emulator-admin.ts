/** The emulator's admin API (docs/emulator.md), as far as the bench needs it. */
export interface SeedProduct {
  id: string;
  defaultPriceId: string;
  name: string;
  priceAmount: number;
  priceCurrency: string;
}

async function admin(emulatorUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Empties the emulator (sessions, idempotency keys, counters) and puts the catalog back with the
 * same ids, so every measured phase starts against the same upstream state: otherwise the target
 * measured second would face an emulator holding the first target's tens of thousands of sessions.
 */
export async function resetEmulator(emulatorUrl: string, products: SeedProduct[]): Promise<void> {
  await admin(emulatorUrl, 'POST', '/_emulator/reset');
  for (const product of products) await admin(emulatorUrl, 'POST', '/_emulator/products', product);
}

/** Loops sessions the emulator created since its last reset. */
export async function sessionsCreated(emulatorUrl: string): Promise<number> {
  const stats = (await admin(emulatorUrl, 'GET', '/_emulator/stats')) as { sessionsCreated?: unknown };
  if (typeof stats.sessionsCreated !== 'number') throw new Error('emulator stats carry no sessionsCreated');
  return stats.sessionsCreated;
}
