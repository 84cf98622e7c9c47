import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator';

export const API_KEY = 'loops_test_key_1';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any;
}

export interface Harness {
  emulator: RunningEmulator;
  url: string;
  /** Authenticated call to the Loops API; `body` is JSON-encoded unless it is already a string. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Call to the admin API (`/_emulator/...`), no auth. */
  admin(method: string, path: string, body?: unknown): Promise<Reply>;
  seedProduct(product: SeedProduct): Promise<any>;
  close(): Promise<void>;
}

export interface SeedProduct {
  id: string;
  name: string;
  priceAmount: number;
  priceCurrency: string;
  defaultPriceId?: string;
  recurringInterval?: 'month' | 'year';
  metadata?: Record<string, string>;
  description?: string;
}

export async function startHarness(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, logLevel: 'silent', apiKeys: [API_KEY], ...options });
  const send = async (method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Reply> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${emulator.url}${path}`, { ...init, redirect: 'manual' });
    return { status: response.status, headers: response.headers, body: parse(await response.text()) };
  };
  const harness: Harness = {
    emulator,
    url: emulator.url,
    api: (method, path, body, headers = {}) => send(method, path, body, { authorization: `Bearer ${API_KEY}`, ...headers }),
    admin: (method, path, body) => send(method, path, body, {}),
    seedProduct: async (product) => {
      const reply = await harness.admin('POST', '/_emulator/products', product);
      if (reply.status !== 200) throw new Error(`seed failed: ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    close: () => emulator.close(),
  };
  return harness;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The §1 error shape, with the expected status and code. */
export function expectError(reply: Reply, status: number, code?: string): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status,
    body: { error: { message: expect.any(String), ...(code ? { code } : { code: expect.any(String) }) } },
  });
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const USD_PRODUCT: SeedProduct = { id: 'prod_tshirt', defaultPriceId: 'price_tshirt', name: 'T-shirt', priceAmount: 2999, priceCurrency: 'USD', description: 'Cotton' };
export const JPY_PRODUCT: SeedProduct = { id: 'prod_tea', defaultPriceId: 'price_tea', name: 'Tea', priceAmount: 500, priceCurrency: 'JPY' };
export const KWD_PRODUCT: SeedProduct = { id: 'prod_dates', defaultPriceId: 'price_dates', name: 'Dates', priceAmount: 3250, priceCurrency: 'KWD' };
export const MONTHLY_PRODUCT: SeedProduct = {
  id: 'prod_pro',
  defaultPriceId: 'price_pro_monthly',
  name: 'Pro plan',
  priceAmount: 1500,
  priceCurrency: 'USD',
  recurringInterval: 'month',
};
