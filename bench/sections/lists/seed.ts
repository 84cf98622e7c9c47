import { Redis } from 'ioredis';
import type { StoredEvent } from '../../../src/store/event-store';
import { tenantKeysCache } from '../../../src/store/keys';
import { createRedisEventStore } from '../../../src/store/redis-event-store';
import { createRedisSessionStore } from '../../../src/store/redis-session-store';
import type { SessionRecord } from '../../../src/store/session-record';

const BATCH = 2_000;

/** The filter values the measured lists use; the seed makes them match what their names say. */
export const SEEDED = {
  /** Ten sessions each (customer i mod count / 10), all complete. */
  fewCustomer: 'cus_bench_42',
  /** Ten events in all. */
  rareType: 'charge.refunded',
} as const;

/**
 * A long history written straight into Redis through the gateway's own stores (the same Lua writes
 * as a create or a settle, indexes included), a batch of concurrent writes at a time, instead of
 * `sessions` HTTP creates: 100k sessions take seconds, not the better part of an hour.
 */
export async function seedHistory(
  redisUrl: string,
  keyPrefix: string,
  tenantId: string,
  counts: { sessions: number; events: number },
): Promise<{ seconds: number; redisUsedMiB: number }> {
  const redis = new Redis(redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  const started = performance.now();
  try {
    const now = Date.now();
    const keysFor = tenantKeysCache(keyPrefix);
    const sessions = createRedisSessionStore(redis, keysFor, () => now);
    // Each event is recorded "at" its own time: record() reads the clock before its first await.
    let clock = now;
    const events = createRedisEventStore(redis, keysFor, () => clock);
    // Spread over the last hours, newest last, as a busy merchant's history is.
    const at = (i: number, count: number) => now - (count - i) * 100;
    for (let from = 0; from < counts.sessions; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, counts.sessions - from) }, (_, k) =>
        sessionAt(from + k, counts.sessions, tenantId, at(from + k, counts.sessions), now),
      );
      await Promise.all(batch.map((record) => sessions.insert(record)));
    }
    for (let from = 0; from < counts.events; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, counts.events - from) }, (_, k) =>
        eventAt(from + k, counts.events, at(from + k, counts.events)),
      );
      await Promise.all(
        batch.map((event, k) => {
          clock = at(from + k, counts.events);
          return events.record(tenantId, event, `bench-seed-${event.id}`);
        }),
      );
    }
    const memory = String(await redis.info('memory')).match(/used_memory:(\d+)/)?.[1];
    return { seconds: (performance.now() - started) / 1000, redisUsedMiB: Number(memory ?? 0) / 2 ** 20 };
  } finally {
    redis.disconnect();
  }
}

function sessionAt(i: number, count: number, tenantId: string, createdMs: number, nowMs: number): SessionRecord {
  const customers = Math.max(1, Math.floor(count / 10));
  const status = i % 10 === 0 ? 'open' : i % 10 < 7 ? 'complete' : 'expired';
  return {
    version: 1,
    tenantId,
    createdMs,
    loopsApi: 'v3',
    session: {
      id: `cs_test_bench_${String(i).padStart(7, '0')}`,
      object: 'checkout.session',
      status,
      payment_status: status === 'complete' ? 'paid' : 'unpaid',
      created: Math.floor(createdMs / 1000),
      // Not due during the run: the sweep leaves them alone.
      expires_at: Math.floor(nowMs / 1000) + 86_400,
      url: status === 'open' ? 'https://checkout.loops.fi/bench' : null,
      livemode: false,
      metadata: { order_id: `order_${i}` },
      customer: `cus_bench_${i % customers}`,
      customer_email: `buyer${i % 20_000}@example.com`,
      customer_details: status === 'complete' ? { email: `buyer${i % 20_000}@example.com` } : null,
      payment_intent: status === 'complete' ? `pi_bench_${i}` : null,
      payment_link: null,
      subscription: null,
      currency: 'usd',
      amount_total: 2000,
    },
    lineItems: [],
    products: {},
    createdBy: { requestId: null, idempotencyKey: null },
  };
}

const TYPES = ['checkout.session.completed', 'checkout.session.expired', 'charge.succeeded'];

function eventAt(i: number, count: number, createdMs: number): StoredEvent {
  return {
    id: `evt_bench_${String(i).padStart(7, '0')}`,
    object: 'event',
    type: i % Math.max(1, Math.floor(count / 10)) === 5 ? SEEDED.rareType : (TYPES[i % TYPES.length] ?? 'charge.succeeded'),
    created: Math.floor(createdMs / 1000),
    livemode: false,
    // Delivered everywhere (no endpoint): `delivery_success=false` matches nothing.
    pending_webhooks: 0,
    data: { object: { id: `cs_test_bench_${String(i).padStart(7, '0')}`, object: 'checkout.session', status: 'complete' } },
  };
}
