import { createCatalogBuilder } from '../../src/mapping-tool/catalog/catalog';
import { convertPrice } from '../../src/mapping-tool/convert/convert-price';
import { loadLoopsIndex } from '../../src/mapping-tool/loops/loops-index';
import { createProduct, MappingAbort, type CreateItem } from '../../src/mapping-tool/run/create-product';
import { classifyCreateFailure, createBackoffMs, MAP_RETRY } from '../../src/mapping-tool/run/create-retry-policy';
import { createProductKey } from '../../src/mapping-tool/run/idempotency-key';
import type { LoopsFailure } from '../../src/loops/loops-error';
import { stripePrice, stripeProduct } from '../helpers/stripe-catalog-fixtures';
import { fakeLoops, http, type Step } from './fake-loops';

function item(id = 'price_a'): CreateItem {
  const builder = createCatalogBuilder();
  builder.addProduct(stripeProduct('prod_a', 'A'));
  builder.addPrice(stripePrice(id, 'prod_a', 1500, 'usd'));
  const catalog = builder.build();
  const [price] = catalog.prices;
  const product = catalog.products.get('prod_a');
  if (!price || !product) throw new Error('catalog');
  const { body, draft, notes } = convertPrice(price, product);
  return { action: 'create', priceId: id, body, draft, notes, label: 'A' };
}

async function run(script: Step[], maxAttempts = 4, listFailure?: LoopsFailure) {
  const loops = fakeLoops(script);
  let tick = 0;
  const index = await loadLoopsIndex(loops.client, () => ++tick);
  loops.state.listFailure = listFailure;
  const sleeps: number[] = [];
  const outcome = await createProduct(item(), {
    tenantId: 'acme',
    loops: loops.client,
    index,
    maxAttempts,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { outcome, loops, sleeps };
}

describe('creating one Loops product without ever making two', () => {
  it('sends one deterministic Idempotency-Key, derived from tenant and price, on every attempt', async () => {
    const { outcome, loops } = await run([{ fail: http(429) }, { fail: { kind: 'network', code: 'ECONNREFUSED' } }, 'ok']);
    expect(outcome).toMatchObject({ kind: 'created', attempts: 3, foundOnRecheck: false });
    expect(loops.calls.creates.map((c) => c.key)).toEqual(Array(3).fill(createProductKey('acme', 'price_a')));
    expect(createProductKey('acme', 'price_a')).not.toBe(createProductKey('globex', 'price_a'));
  });

  it('after an ambiguous failure that did create it, finds it in Loops and does not create again', async () => {
    const { outcome, loops } = await run([{ fail: http(502), made: true }]);
    expect(outcome).toMatchObject({ kind: 'created', foundOnRecheck: true, product: { id: 'prod_fake_1' } });
    expect(loops.calls.creates).toHaveLength(1);
    expect(loops.products).toHaveLength(1);
  });

  it('after a timeout that did not create it, re-checks and then creates (once)', async () => {
    const { outcome, loops } = await run([{ fail: { kind: 'timeout' } }, 'ok']);
    expect(outcome).toMatchObject({ kind: 'created', foundOnRecheck: false });
    expect(loops.calls.lists).toBe(2);
    expect(loops.products).toHaveLength(1);
  });

  it('does not create again while Loops cannot be listed to re-check', async () => {
    const { outcome, loops } = await run([{ fail: { kind: 'network', code: 'ECONNRESET' } }], 3, { kind: 'timeout' });
    expect(outcome).toMatchObject({ kind: 'failed', reason: expect.stringContaining('could not re-check Loops') });
    expect(loops.calls.creates).toHaveLength(1);
    expect(loops.calls.lists).toBeGreaterThanOrEqual(3);
  });

  it('a 4xx is final: no retry, the reason is kept', async () => {
    const { outcome, loops } = await run([{ fail: http(400, 'validation_error') }]);
    expect(outcome).toMatchObject({ kind: 'failed', attempts: 1, reason: expect.stringContaining('Loops rejected the product') });
    expect(loops.calls.creates).toHaveLength(1);
  });

  it('a 401 stops the whole run', async () => {
    await expect(run([{ fail: http(401) }])).rejects.toBeInstanceOf(MappingAbort);
  });

  it('gives up after the attempts, with backoff between them', async () => {
    const { outcome, sleeps, loops } = await run(Array(4).fill({ fail: http(503) }), 4);
    expect(outcome).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^gave up after 4 attempts: .*HTTP 503/) });
    expect(loops.calls.creates).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[2]).toBeGreaterThan(sleeps[0] ?? 0);
  });
});

describe('create retry policy', () => {
  it('classifies Loops failures', () => {
    expect(classifyCreateFailure(http(401))).toBe('fatal');
    expect(classifyCreateFailure(http(429))).toBe('retry');
    expect(classifyCreateFailure(http(409, 'idempotency_in_progress'))).toBe('retry');
    expect(classifyCreateFailure(http(409, 'idempotency_conflict'))).toBe('ambiguous');
    expect(classifyCreateFailure(http(500))).toBe('ambiguous');
    expect(classifyCreateFailure(http(422))).toBe('rejected');
    expect(classifyCreateFailure({ kind: 'timeout' })).toBe('ambiguous');
    expect(classifyCreateFailure({ kind: 'network', code: 'ECONNREFUSED' })).toBe('retry');
    expect(classifyCreateFailure({ kind: 'network', code: 'ECONNRESET' })).toBe('ambiguous');
    expect(classifyCreateFailure({ kind: 'invalid_response', detail: 'x' })).toBe('ambiguous');
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    expect(createBackoffMs(1, undefined, () => 1)).toBe(MAP_RETRY.baseDelayMs);
    expect(createBackoffMs(3, undefined, () => 1)).toBe(MAP_RETRY.baseDelayMs * 4);
    expect(createBackoffMs(3, undefined, () => 0)).toBe(MAP_RETRY.baseDelayMs * 2);
    expect(createBackoffMs(30, undefined, () => 1)).toBe(MAP_RETRY.maxDelayMs);
    expect(createBackoffMs(1, { kind: 'http', status: 429, message: '', retryAfterSeconds: 3 })).toBe(3000);
    expect(createBackoffMs(1, { kind: 'http', status: 429, message: '', retryAfterSeconds: 3600 })).toBe(MAP_RETRY.maxRetryAfterMs);
  });
});
