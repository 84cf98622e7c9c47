import type Redis from 'ioredis';
import type { TenantConfig } from '../../src/config';
import type { LoopsClient } from '../../src/loops/loops-client';
import { createLogger } from '../../src/observability/logger';
import type { CallContext } from '../../src/services/call-context';
import { createCustomerService } from '../../src/services/customers/customer-service';
import { SEARCH_SCAN_BUDGET } from '../../src/services/customers/customer-search';
import { createEventPublisher } from '../../src/services/events/event-publisher';
import { DEFAULT_STRIPE_VERSION } from '../../src/stripe/api-version';
import { buildCustomerObject } from '../../src/stripe/objects/customer-object';
import type { CustomerRecord } from '../../src/store/customer-record';
import type { CustomerStore } from '../../src/store/customer-store';
import { createRedisCustomerStore } from '../../src/store/redis-customer-store';
import { keylessOperation } from '../../src/services/operation';
import { createRedisEventStore } from '../../src/store/redis-event-store';
import { createMemoryDeliveryQueue } from '../../src/webhooks/memory-delivery-queue';
import { testRedis } from '../helpers/redis-client';

const redisSetup = testRedis();
afterAll(() => (redisSetup.redis as Redis).quit());

const logger = createLogger('silent');
const tenantConfig = (id: string): TenantConfig => ({
  id,
  apiKeys: [`sk_test_customer_service_${id}`],
  loops: { apiBase: 'http://loops.invalid', apiKey: 'loops_unit_fake' },
  loopsWebhookSecret: undefined,
  webhookSecrets: [],
  webhookEndpoints: [],
  strictParams: false,
  upcomingInvoiceDays: 0,
});

/** The store, with a count of the index entries each search request reads. */
function countingStore(store: CustomerStore) {
  let read = 0;
  return {
    store: {
      ...store,
      scan: async (...args: Parameters<CustomerStore['scan']>) => {
        const chunk = await store.scan(...args);
        read += chunk.entries.length;
        return chunk;
      },
    } satisfies CustomerStore,
    takeRead: () => {
      const value = read;
      read = 0;
      return value;
    },
  };
}

function setup(tenantId: string) {
  const events = createRedisEventStore(redisSetup.redis, redisSetup.keysFor);
  const counting = countingStore(createRedisCustomerStore(redisSetup.redis, redisSetup.keysFor));
  const queue = createMemoryDeliveryQueue({ schedule: [], deliver: async () => undefined, logger });
  const publisher = createEventPublisher({ events, queue, tenants: new Map([[tenantId, tenantConfig(tenantId)]]), now: Date.now });
  const service = createCustomerService({ customers: counting.store, publisher });
  const call = (fields: Partial<CallContext> = {}): CallContext => ({
    tenant: { config: tenantConfig(tenantId), loops: {} as LoopsClient },
    livemode: false,
    requestId: 'req_customer_service_test',
    logger,
    stripeVersion: DEFAULT_STRIPE_VERSION,
    operation: keylessOperation(`op-${Math.random()}`, Date.now()),
    ...fields,
  });
  const customerEvents = async () => (await events.list(tenantId, { limit: 100, matches: (e) => e.type.startsWith('customer.') })).records;
  return { service, call, store: counting.store, takeRead: counting.takeRead, customerEvents };
}

type SearchAnswer = { data: { id: string }[]; has_more: boolean; next_page: string | null };

describe('customer search over a long history', () => {
  const tenant = 'search-history';
  const total = SEARCH_SCAN_BUDGET * 2 + 500;
  const start = 1_600_000_000_000;
  let context: ReturnType<typeof setup>;
  let needles: string[];

  beforeAll(async () => {
    context = setup(tenant);
    const events = { id: 'evt_unused', object: 'event' as const, type: 'customer.created', created: 0, livemode: false, pending_webhooks: 0 };
    needles = [];
    // Oldest first; two needles: one among the newest, one among the oldest.
    for (let i = 0; i < total; i++) {
      const id = `cus_history${String(i).padStart(8, '0')}`;
      const needle = i === 10 || i === total - 100;
      const customer = {
        ...buildCustomerObject({ id, created: Math.floor((start + i * 1000) / 1000), livemode: false }),
        name: needle ? `Needle ${i}` : `Hay ${i}`,
        email: `c${i}@example.com`,
      };
      const record: CustomerRecord = {
        version: 1,
        tenantId: tenant,
        createdMs: start + i * 1000,
        customer,
      };
      await context.store.insert(record, { ...events, id: `evt_history${i}`, data: { object: customer } });
      if (needle) needles.unshift(id);
    }
  }, 120_000);

  const search = async (query: string, limit?: number, page?: string) =>
    (await context.service.search(context.call(), {
      query,
      ...(limit ? { limit: String(limit) } : {}),
      ...(page ? { page } : {}),
    })) as unknown as SearchAnswer;

  it('reads at most the budget per request and pages on with next_page until the scan has seen everything', async () => {
    const pages: SearchAnswer[] = [];
    let page: string | undefined;
    do {
      const answer = await search("name~'needle'", 10, page);
      expect(context.takeRead()).toBeLessThanOrEqual(SEARCH_SCAN_BUDGET);
      expect(answer.has_more).toBe(answer.next_page !== null);
      pages.push(answer);
      page = answer.next_page ?? undefined;
    } while (page && pages.length < 10);
    // The first page found the newer needle but could not tell there was no other: has_more, honestly.
    expect(pages.map((p) => p.data.length)).toEqual([1, 0, 1]);
    expect(pages.map((p) => p.has_more)).toEqual([true, true, false]);
    expect(pages.flatMap((p) => p.data.map((c) => c.id))).toEqual(needles);
  });

  it('serves an exact email clause from its index, and a created clause from its window, reading only what can match', async () => {
    const byEmail = await search("email:'C42@example.com' AND name~'hay'");
    expect(byEmail.data.map((c) => c.id)).toEqual(['cus_history00000042']);
    expect([byEmail.has_more, context.takeRead()]).toEqual([false, 1]);
    const from = Math.floor(start / 1000) + total - 5;
    const recent = await search(`created>=${from}`, 100);
    expect(recent.data).toHaveLength(5);
    expect([recent.has_more, context.takeRead()]).toEqual([false, 5]);
  });

  it('fills a page, then says has_more only when a further match exists within the budget', async () => {
    const first = await search("name~'hay'", 3);
    expect(first.data).toHaveLength(3);
    expect(first.has_more).toBe(true);
    const next = await search("name~'hay'", 3, first.next_page ?? '');
    expect(next.data.map((c) => c.id)).not.toContain(first.data[0]?.id);
    const last = await search(`created>=${Math.floor(start / 1000) + total - 2}`, 2);
    expect([last.data.length, last.has_more, last.next_page]).toEqual([2, false, null]);
  });
});

describe('customer ids and the checkout seam', () => {
  it('makes one customer for a retried create of the same operation (no Idempotency-Key answer stored), with one event', async () => {
    const { service, call, customerEvents } = setup('retry-op');
    const attempt = call({ operation: keylessOperation('op-fixed', 1_700_000_000_123) });
    const first = JSON.parse((await service.create(attempt, { email: 'once@example.com' })).json);
    const second = JSON.parse((await service.create({ ...attempt, requestId: 'req_retry' }, { email: 'once@example.com' })).json);
    expect(second.id).toBe(first.id);
    expect((await customerEvents()).map((e) => e.type)).toEqual(['customer.created']);
    const other = JSON.parse(
      (await service.create(call({ operation: keylessOperation('op-other', Date.now()) }), { email: 'once@example.com' })).json,
    );
    expect(other.id).not.toBe(first.id);
  });

  it('createForCompletedCheckout makes one customer per session, however often the completion runs, with an automatic event', async () => {
    const { service, call, customerEvents } = setup('checkout-seam');
    const facts = { sessionId: 'cs_test_seam_1', email: 'payer@example.com', name: 'Payer', livemode: false, nowMs: Date.now() };
    const first = await service.createForCompletedCheckout('checkout-seam', facts, logger);
    const second = await service.createForCompletedCheckout('checkout-seam', { ...facts, nowMs: facts.nowMs + 5000 }, logger);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ object: 'customer', email: 'payer@example.com', name: 'Payer' });
    const events = await customerEvents();
    expect(events.map((e) => [e.type, e.request])).toEqual([['customer.created', { id: null, idempotency_key: null }]]);
    expect(await service.retrieve(call(), first?.id ?? '', {})).toEqual(first);
    await service.del(call(), first?.id ?? '', {});
    expect(await service.createForCompletedCheckout('checkout-seam', facts, logger)).toBeUndefined();
  });
});
