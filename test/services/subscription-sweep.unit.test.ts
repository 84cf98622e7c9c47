import { Writable } from 'node:stream';
import type { TenantConfig } from '../../src/config';
import type { LoopsClient } from '../../src/loops/loops-client';
import { LoopsError } from '../../src/loops/loops-error';
import type { LoopsV3Subscription } from '../../src/loops/loops-schemas';
import { createLogger } from '../../src/observability/logger';
import type { TenantContext } from '../../src/services/call-context';
import { createEventPublisher } from '../../src/services/events/event-publisher';
import { soleUsersOfLoopsAccounts } from '../../src/services/subscriptions/billing-services';
import { createSubscriptionFacts } from '../../src/services/subscriptions/subscription-facts';
import { createSubscriptionSweep, SWEEP_LIMITS } from '../../src/services/subscriptions/subscription-sweep';
import { createSubscriptionSync } from '../../src/services/subscriptions/subscription-sync';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createMemoryMappingStore } from '../../src/store/memory-mapping-store';
import { createMemorySessionStore } from '../../src/store/memory-session-store';
import { createMemorySubscriptionStore } from '../../src/store/memory-subscription-store';
import { addIntervals } from '../../src/translate/billing-period';
import { createMemoryDeliveryQueue } from '../../src/webhooks/memory-delivery-queue';
import { T0, loopsSub } from '../helpers/subscription-records';

const unused = async (): Promise<never> => {
  throw new Error('not used by the sweep');
};

/** A tenant's Loops account, faked at the edge: its subscriptions, newest first, and whether it answers. */
function fakeLoops(tenantId: string) {
  const subscriptions = new Map<string, LoopsV3Subscription>();
  const state = { down: false, reads: 0 };
  const read = (id: string) => {
    state.reads += 1;
    if (state.down) throw new LoopsError({ kind: 'timeout' }, 'getSubscription');
    const found = subscriptions.get(id);
    if (!found) throw new LoopsError({ kind: 'http', status: 404, message: 'Subscription Not Found' }, 'getSubscription');
    return structuredClone(found);
  };
  const loops: LoopsClient = {
    createSessionV3: unused,
    createSessionV2: unused,
    getSessionV3: unused,
    listSessionsV3: unused,
    getSessionV2: unused,
    updateSessionV2: unused,
    createProductV3: unused,
    listProductsV3: unused,
    getProductV3: async (id) => ({ id, name: 'Pro plan' }),
    getSubscription: async (id) => read(id),
    listSubscriptions: async (query) => {
      if (state.down) throw new LoopsError({ kind: 'timeout' }, 'listSubscriptions');
      const newest = [...subscriptions.values()].reverse();
      return { data: newest.slice(query.offset, query.offset + query.limit), hasMore: newest.length > query.offset + query.limit };
    },
    updateSubscription: unused,
    cancelSubscription: unused,
    createPortalSession: unused,
  };
  const config: TenantConfig = {
    id: tenantId,
    apiKeys: [`sk_test_sweep_${tenantId}`],
    loops: { apiBase: 'http://loops.invalid', apiKey: `loops_fake_${tenantId}` },
    loopsWebhookSecret: undefined,
    webhookSecrets: [],
    webhookEndpoints: [],
    strictParams: false,
    upcomingInvoiceDays: 0,
  };
  return { tenant: { config, loops } as TenantContext, subscriptions, state };
}

describe('subscription sweep', () => {
  let nowMs = T0 * 1000;
  const silent = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));

  function setup(tenantIds: string[]) {
    const accounts = tenantIds.map(fakeLoops);
    const tenants = accounts.map((account) => account.tenant);
    const events = createMemoryEventStore(() => nowMs);
    const store = createMemorySubscriptionStore(events);
    const queue = createMemoryDeliveryQueue({ schedule: [], deliver: async () => undefined, logger: silent });
    const publisher = createEventPublisher({ events, queue, tenants: new Map(), now: () => nowMs });
    const sync = createSubscriptionSync({
      store,
      facts: createSubscriptionFacts({
        sessions: createMemorySessionStore(events),
        mappings: createMemoryMappingStore(),
        ownsLoopsAccountAlone: soleUsersOfLoopsAccounts(tenants),
      }),
      publisher,
      tenants: new Map(tenants.map((tenant) => [tenant.config.id, tenant])),
      now: () => nowMs,
    });
    const sweep = createSubscriptionSweep({ store, sync, tenants, contract: { subscriptions: true }, now: () => nowMs, logger: silent });
    const types = async (tenantId: string) => (await events.list(tenantId, { limit: 100_000, matches: () => true })).records.map((e) => e.type);
    return { accounts, store, sync, sweep, types };
  }

  /** Every subscription of the account renewed once (Loops moved on; its webhooks were lost). */
  function renewAll(subscriptions: Map<string, LoopsV3Subscription>) {
    for (const [id, sub] of subscriptions) {
      subscriptions.set(id, {
        ...sub,
        current_period_start: sub.current_period_end,
        current_period_end: addIntervals(sub.current_period_end, 'month', 1),
        latest_charge: `ch_${id}_2`,
      });
    }
  }

  beforeEach(() => {
    nowMs = T0 * 1000;
  });

  it('finds the newest subscriptions Loops has and the gateway has not stored, a page per tenant and run', async () => {
    const { accounts, sweep, types } = setup(['acme']);
    const acme = accounts[0];
    for (let i = 0; i < SWEEP_LIMITS.discover + 5; i++) acme?.subscriptions.set(`sub_disc${i}`, loopsSub({ id: `sub_disc${i}`, created: T0 + i }));
    expect(await sweep()).toBe(SWEEP_LIMITS.discover);
    expect((await types('acme')).filter((type) => type === 'customer.subscription.created')).toHaveLength(SWEEP_LIMITS.discover);
    // Nothing new on the next run: the page holds only stored subscriptions.
    expect(await sweep()).toBe(0);
  });

  it('reads only what is due, a bounded batch per tenant, every tenant in each run; a tenant whose Loops is down holds up no one', async () => {
    const { accounts, sync, sweep, types, store } = setup(['big', 'small', 'down']);
    const [big, small, down] = accounts;
    if (!big || !small || !down) throw new Error('three tenants');
    for (const [account, count] of [
      [big, SWEEP_LIMITS.batch + 20],
      [small, 1],
      [down, 3],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const id = `sub_${account.tenant.config.id}${i}`;
        account.subscriptions.set(id, loopsSub({ id }));
        await sync.syncFromLoops(account.tenant.config.id, id, { source: 'retrieve' }, silent);
      }
    }
    expect(await sweep()).toBe(0);
    const readsBefore = big.state.reads;
    // Past the period end and its grace: all are due; Loops renewed them all, its webhooks lost.
    nowMs = (addIntervals(T0, 'month', 1) + 120) * 1000;
    renewAll(big.subscriptions);
    renewAll(small.subscriptions);
    down.state.down = true;

    expect(await sweep()).toBe(SWEEP_LIMITS.batch + 1);
    expect(big.state.reads - readsBefore).toBe(SWEEP_LIMITS.batch);
    expect((await types('small')).filter((type) => type === 'invoice.paid')).toHaveLength(2);
    // The rest of the big tenant on the next run; the unreachable one is looked at again later.
    expect(await sweep()).toBe(20);
    expect((await types('big')).filter((type) => type === 'customer.subscription.updated')).toHaveLength(SWEEP_LIMITS.batch + 20);
    expect(await store.due('down', Math.floor(nowMs / 1000), 10)).toEqual([]);
    down.state.down = false;
    renewAll(down.subscriptions);
    nowMs += 120_000;
    expect(await sweep()).toBe(3);
  });

  it('a subscription Loops has not moved on yet is looked at again later, not on every run', async () => {
    const { accounts, sync, sweep, store } = setup(['lagging']);
    const account = accounts[0];
    if (!account) throw new Error('one tenant');
    account.subscriptions.set('sub_lag', loopsSub({ id: 'sub_lag' }));
    await sync.syncFromLoops('lagging', 'sub_lag', { source: 'retrieve' }, silent);
    const dueAt = addIntervals(T0, 'month', 1) + 60;
    nowMs = dueAt * 1000;
    const reads = account.state.reads;
    expect(await sweep()).toBe(0);
    expect(account.state.reads - reads).toBe(1);
    expect(await store.due('lagging', dueAt + 59, 10)).toEqual([]);
    expect(await store.due('lagging', dueAt + 60, 10)).toEqual(['sub_lag']);
    await sweep();
    expect(account.state.reads - reads).toBe(1);
  });
});
