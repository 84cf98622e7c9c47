import type Stripe from 'stripe';
import type { StoredEvent } from '../../src/store/event-store';
import { sessionRecord } from '../helpers/session-records';
import { useStack } from '../helpers/stack';

/**
 * Issue 10, defect 4: a filtered list whose filter matches nothing read the tenant's whole history
 * (2.2 s at 21k sessions). Through stripe-node against the real gateway, with a history of stored
 * sessions and events: the records a list reads (keys in MGETs to Redis) do not grow with it.
 */
describe('filtered lists read their matches, not the history (stripe-node)', () => {
  let stripe: Stripe;
  const HISTORY = 2_000;
  const now = Date.now();

  const stack = useStack({ background: false });
  beforeAll(async () => {
    stripe = stack.stripe();
    const { sessions, events } = stack.container.stores;
    for (let from = 0; from < HISTORY; from += 500) {
      await Promise.all(
        Array.from({ length: 500 }, async (_, k) => {
          const i = from + k;
          const record = sessionRecord({ id: `cs_test_history_${String(i).padStart(5, '0')}`, tenantId: 'default', createdMs: now - HISTORY + i });
          record.session.customer = i % 500 === 7 ? 'cus_rare' : 'cus_regular';
          await sessions.insert(record);
          const event: StoredEvent = {
            id: `evt_history_${i}`,
            object: 'event',
            type: 'checkout.session.completed',
            created: Math.floor(now / 1000),
            livemode: false,
            pending_webhooks: 0,
            data: { object: { id: record.session.id, object: 'checkout.session' } },
          };
          await events.record('default', event, `history-${i}`);
        }),
      );
    }
  }, 60_000);

  /** Runs `list` counting the stored records the gateway reads from Redis meanwhile. */
  async function recordsRead<T>(list: () => Promise<T>): Promise<{ result: T; records: number }> {
    const redis = stack.container.redis;
    if (!redis) throw new Error('expected Redis');
    const original = Reflect.get(redis, 'mget');
    let records = 0;
    Reflect.set(redis, 'mget', (...args: unknown[]) => {
      records += args.flat().length;
      return Reflect.apply(original, redis, args);
    });
    try {
      return { result: await list(), records };
    } finally {
      Reflect.set(redis, 'mget', original);
    }
  }

  it('reads no session for filters that match nothing', async () => {
    for (const params of [
      { customer: 'cus_nobody' },
      { status: 'complete' as const },
      { customer_details: { email: 'nobody@example.com' } },
      { payment_intent: 'pi_nobody' },
      { customer: 'cus_rare', status: 'expired' as const },
      { created: { lt: Math.floor(now / 1000) - 86_400 } },
    ]) {
      const { result, records } = await recordsRead(() => stripe.checkout.sessions.list(params));
      expect({ params, data: result.data, has_more: result.has_more, records }).toEqual({ params, data: [], has_more: false, records: 0 });
    }
  });

  it('reads the page and no more for a filter that matches a few, paging both ways', async () => {
    const { result, records } = await recordsRead(() => stripe.checkout.sessions.list({ customer: 'cus_rare', limit: 2 }));
    expect(result.data.map((s) => s.id)).toEqual(['cs_test_history_01507', 'cs_test_history_01007']);
    expect(result.has_more).toBe(true);
    expect(records).toBe(3);
    const all = await stripe.checkout.sessions.list({ customer: 'cus_rare', limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(all.map((s) => s.id)).toEqual(['cs_test_history_01507', 'cs_test_history_01007', 'cs_test_history_00507', 'cs_test_history_00007']);
    const back = await stripe.checkout.sessions
      .list({ customer: 'cus_rare', limit: 1, ending_before: 'cs_test_history_00007' })
      .autoPagingToArray({ limit: 100 });
    expect(back.map((s) => s.id)).toEqual(['cs_test_history_00507', 'cs_test_history_01007', 'cs_test_history_01507']);
  });

  it('reads no event for type, wildcard, types[] and delivery filters that match nothing', async () => {
    for (const params of [
      { type: 'checkout.session.expired' },
      { type: 'charge.*' },
      { types: ['charge.succeeded', 'charge.refunded'] },
      { delivery_success: false },
      { type: 'checkout.session.*', created: { gt: Math.floor(now / 1000) } },
    ]) {
      const { result, records } = await recordsRead(() => stripe.events.list(params));
      expect({ params, data: result.data, records }).toEqual({ params, data: [], records: 0 });
    }
    const { result, records } = await recordsRead(() => stripe.events.list({ type: 'checkout.session.*', delivery_success: true, limit: 3 }));
    expect([result.data.length, result.has_more, records]).toEqual([3, true, 4]);
  });
});
