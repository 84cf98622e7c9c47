import { Writable } from 'node:stream';
import type { TenantConfig } from '../../src/config';
import type { LoopsClient } from '../../src/loops/loops-client';
import { LoopsError } from '../../src/loops/loops-error';
import { createLogger } from '../../src/observability/logger';
import { setTimeout as sleep } from 'node:timers/promises';
import { createExpirySweep, expiryBacklog } from '../../src/services/checkout-sessions/expiry-sweep';
import { createSessionSync } from '../../src/services/checkout-sessions/session-sync';
import { createEventPublisher } from '../../src/services/events/event-publisher';
import { createMemoryEventStore } from '../../src/store/memory-event-store';
import { createMemorySessionStore } from '../../src/store/memory-session-store';
import type { SessionStore } from '../../src/store/session-store';
import { createMemoryDeliveryQueue } from '../../src/webhooks/memory-delivery-queue';
import { sessionRecord } from '../helpers/session-records';
import type { SessionRecord } from '../../src/store/session-record';

const NOW = 1_800_000_000_000;
const tenantConfig = (id: string): TenantConfig => ({
  id,
  apiKeys: [`sk_test_sweep_unit_key_${id}`],
  loops: { apiBase: 'http://loops.invalid', apiKey: 'loops_unit_fake' },
  loopsWebhookSecret: undefined,
  webhookSecrets: [],
  webhookEndpoints: [],
  strictParams: false,
  upcomingInvoiceDays: 0,
});
const unused = async (): Promise<never> => {
  throw new Error('not used by the sweep');
};

/**
 * How the fake Loops answers for one session. `failed_early`: Loops failed it (V2 says FAILED; V3,
 * which has no status, still looks open). `ends_while_swept`: open when read, then Loops fails it
 * before the sweep's expire arrives, which Loops refuses.
 */
type Behaviour = 'open' | 'unreachable' | 'not_found' | 'unknown_state' | 'failed_early' | 'ends_while_swept' | 'v2_not_found' | 'paid_no_total';

/** Loops, faked at the outermost edge: by default it still calls every session open and unpaid. */
function fakeLoops(behaviourOf: (id: string) => Behaviour) {
  const expired: string[] = [];
  const reads: string[] = [];
  const refused = new Set<string>();
  const loops: LoopsClient = {
    createSessionV3: unused,
    listSessionsV3: unused,
    createSessionV2: unused,
    // The status V3 lacks (docs/loops-contract.md §3.2), read beside every V3 read.
    getSessionV2: async (id) => {
      switch (behaviourOf(id)) {
        case 'unreachable':
          throw new LoopsError({ kind: 'timeout' }, 'getSessionV2');
        case 'not_found':
        case 'v2_not_found':
          throw new LoopsError({ kind: 'http', status: 404, code: 'resource_missing', message: 'No such session' }, 'getSessionV2');
        case 'failed_early':
          return { id, status: 'FAILED' };
        case 'ends_while_swept':
          return { id, status: refused.has(id) ? 'FAILED' : 'PENDING' };
        case 'paid_no_total':
          return { id, status: 'COMPLETED' };
        case 'unknown_state':
        case 'open':
          return { id, status: 'PENDING' };
      }
    },
    createProductV3: unused,
    getProductV3: unused,
    listProductsV3: unused,
    getSubscription: unused,
    listSubscriptions: unused,
    updateSubscription: unused,
    cancelSubscription: unused,
    createPortalSession: unused,
    getSessionV3: async (id) => {
      reads.push(id);
      switch (behaviourOf(id)) {
        case 'unreachable':
          throw new LoopsError({ kind: 'timeout' }, 'getSessionV3');
        case 'not_found':
          throw new LoopsError({ kind: 'http', status: 404, code: 'resource_missing', message: 'No such session' }, 'getSessionV3');
        case 'unknown_state':
          return { id, payment_status: 'processing', expires_at: null };
        case 'paid_no_total':
          return { id, payment_status: 'paid', expires_at: null };
        case 'open':
        case 'failed_early':
        case 'ends_while_swept':
        case 'v2_not_found':
          return { id, payment_status: 'unpaid', expires_at: null };
      }
    },
    updateSessionV2: async (id) => {
      if (behaviourOf(id) === 'ends_while_swept') {
        refused.add(id);
        throw new LoopsError({ kind: 'http', status: 400, code: 'session_not_open', message: 'Checkout session is failed' }, 'updateSessionV2');
      }
      expired.push(id);
      return { id, status: 'EXPIRED' };
    },
  };
  return { loops, expired, reads };
}

describe('expiry sweep', () => {
  const setup = (
    behaviourOf: (id: string) => Behaviour = () => 'open',
    tenantIds = ['default'],
    v3StatusFromV2?: boolean,
    expireThroughV2Update?: boolean,
  ) => {
    let nowMs = NOW;
    const now = () => nowMs;
    const lines: string[] = [];
    const logger = createLogger(
      'warn',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const events = createMemoryEventStore(now);
    const memorySessions = createMemorySessionStore(events);
    // One tenant's store can be made to fail, as a Redis shard that is away would.
    const broken = new Set<string>();
    const gone = new Set<string>();
    const sessions: SessionStore = {
      ...memorySessions,
      get: async (tenantId, id) => (gone.has(id) ? undefined : memorySessions.get(tenantId, id)),
      getMany: async (tenantId, ids) =>
        (await memorySessions.getMany(tenantId, ids)).map((record) => (record && gone.has(record.session.id) ? undefined : record)),
      claimDueForExpiry: async (tenantId, nowSeconds, limit, claimUntil) => {
        if (broken.has(tenantId)) throw new Error(`store of ${tenantId} unavailable`);
        return memorySessions.claimDueForExpiry(tenantId, nowSeconds, limit, claimUntil);
      },
    };
    const configs = tenantIds.map(tenantConfig);
    const queue = createMemoryDeliveryQueue({ schedule: [], deliver: async () => undefined, logger });
    const publisher = createEventPublisher({ events, queue, tenants: new Map(configs.map((c) => [c.id, c])), now });
    const sync = createSessionSync({ sessions, publisher, now, v3StatusFromV2 });
    const fake = fakeLoops(behaviourOf);
    const sweep = createExpirySweep({
      sessions,
      sync,
      tenants: configs.map((config) => ({ config, loops: fake.loops })),
      now,
      logger,
      concurrency: 4,
      ...(expireThroughV2Update === undefined ? {} : { expireThroughV2Update }),
    });
    const insertOpen = (id: string, expiresAt: number, tenantId = 'default') =>
      sessions.insert(sessionRecord({ id, tenantId, createdMs: NOW - 3_600_000, expiresAt }));
    /** The Stripe events recorded about one session, by type. */
    const eventsAbout = async (id: string, tenantId = 'default') =>
      (await events.list(tenantId, { limit: 100, matches: (e) => (e.data.object as { id?: string }).id === id })).records.map((e) => e.type);
    const status = async (id: string, tenantId = 'default') => (await sessions.get(tenantId, id))?.session.status;
    const advance = (ms: number) => {
      nowMs += ms;
    };
    return { sessions, sweep, insertOpen, eventsAbout, status, advance, broken, gone, lines, loops: fake };
  };
  const seconds = NOW / 1000;

  it('expires in Loops, then settles once, sessions Loops still calls open past expires_at', async () => {
    const { sweep, insertOpen, eventsAbout, status, loops } = setup();
    await insertOpen('cs_due', seconds - 60);
    await insertOpen('cs_in_grace', seconds - 2);
    await insertOpen('cs_later', seconds + 600);
    expect(await sweep()).toBe(1);
    expect(loops.expired).toEqual(['cs_due']);
    expect(await eventsAbout('cs_due')).toEqual(['checkout.session.expired']);
    expect(await sweep()).toBe(0);
    expect(await eventsAbout('cs_due')).toEqual(['checkout.session.expired']);
    expect(await status('cs_later')).toBe('open');
  });

  it('with expireThroughV2Update off, settles a due session Loops still calls open without asking Loops to expire it', async () => {
    const { sweep, insertOpen, eventsAbout, status, loops } = setup(() => 'open', ['default'], undefined, false);
    await insertOpen('cs_due_no_v2', seconds - 60);
    expect(await sweep()).toBe(1);
    expect(loops.expired).toEqual([]);
    expect(loops.reads).toEqual(['cs_due_no_v2']);
    expect(await status('cs_due_no_v2')).toBe('expired');
    expect(await eventsAbout('cs_due_no_v2')).toEqual(['checkout.session.expired']);
  });

  it('looks again later, with a growing wait, at a session it could not settle while Loops is away', async () => {
    let reachable = false;
    const { sweep, insertOpen, eventsAbout, status, advance, loops } = setup((id) => (id === 'cs_due' && reachable ? 'open' : 'unreachable'));
    await insertOpen('cs_due', seconds - 60);
    expect(await sweep()).toBe(0);
    expect(await status('cs_due')).toBe('open');
    expect(loops.reads).toEqual(['cs_due']);
    // Pushed forward: the next runs leave it alone for a while instead of asking Loops every time.
    await sweep();
    expect(loops.reads).toEqual(['cs_due']);
    advance(30 * 60 * 1000);
    await sweep();
    expect(loops.reads).toEqual(['cs_due', 'cs_due']);
    reachable = true;
    advance(3 * 3600 * 1000);
    expect(await sweep()).toBe(1);
    expect(await eventsAbout('cs_due')).toEqual(['checkout.session.expired']);
  });

  it('carries on past a session whose Loops state it does not know, logging which one, and leaves that session open', async () => {
    const { sweep, insertOpen, eventsAbout, status, lines } = setup((id) => (id === 'cs_poison' ? 'unknown_state' : 'open'));
    await insertOpen('cs_poison', seconds - 600);
    await insertOpen('cs_good', seconds - 60);
    expect(await sweep()).toBe(1);
    expect(await status('cs_good')).toBe('expired');
    expect(await eventsAbout('cs_good')).toEqual(['checkout.session.expired']);
    // Unknown could mean a payment in progress: it is not expired, only looked at again later.
    expect(await status('cs_poison')).toBe('open');
    expect(await eventsAbout('cs_poison')).toEqual([]);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.session === 'cs_poison');
    expect(logged).toMatchObject({ tenant: 'default', session: 'cs_poison' });
    expect(String(logged?.err)).toMatch(/processing/);
  });

  it('is not starved by a hundred and more sessions Loops no longer knows', async () => {
    const { sweep, insertOpen, status } = setup((id) => (id.startsWith('cs_gone') ? 'not_found' : 'open'));
    // Just past expiry: too early to conclude anything from a 404.
    for (let i = 0; i < 150; i++) await insertOpen(`cs_gone_${String(i).padStart(3, '0')}`, seconds - 300 - i);
    await insertOpen('cs_good', seconds - 60);
    for (let run = 0; run < 3 && (await status('cs_good')) === 'open'; run++) await sweep();
    expect(await status('cs_good')).toBe('expired');
    expect(await status('cs_gone_000')).toBe('open');
  });

  it('expires locally, with its one event, a session Loops has not known for an hour past its expiry', async () => {
    const { sweep, insertOpen, eventsAbout, status, advance, loops } = setup((id) => (id === 'cs_gone' ? 'not_found' : 'open'));
    await insertOpen('cs_gone', seconds - 300);
    await sweep();
    expect(await status('cs_gone')).toBe('open');
    advance(2 * 3600 * 1000);
    expect(await sweep()).toBe(1);
    expect(await status('cs_gone')).toBe('expired');
    expect(await eventsAbout('cs_gone')).toEqual(['checkout.session.expired']);
    // Loops was never asked to expire a session it does not have.
    expect(loops.expired).toEqual([]);
    advance(2 * 3600 * 1000);
    expect(await sweep()).toBe(0);
    expect(await eventsAbout('cs_gone')).toEqual(['checkout.session.expired']);
  });

  it('settles as expired, without asking Loops to expire it, a session Loops reports failed (V2 status)', async () => {
    const { sweep, insertOpen, eventsAbout, status, loops } = setup((id) => (id === 'cs_failed' ? 'failed_early' : 'open'));
    await insertOpen('cs_failed', seconds - 60);
    expect(await sweep()).toBe(1);
    expect(await status('cs_failed')).toBe('expired');
    expect(await eventsAbout('cs_failed')).toEqual(['checkout.session.expired']);
    expect(loops.expired).toEqual([]);
  });

  it('with v3StatusFromV2 off, reads V3 alone: a failed session looks open, so Loops is asked to expire it', async () => {
    const { sweep, insertOpen, eventsAbout, status, loops } = setup((id) => (id === 'cs_failed' ? 'failed_early' : 'open'), ['default'], false);
    await insertOpen('cs_failed', seconds - 60);
    expect(await sweep()).toBe(1);
    expect(await status('cs_failed')).toBe('expired');
    expect(loops.expired).toEqual(['cs_failed']);
    expect(await eventsAbout('cs_failed')).toEqual(['checkout.session.expired']);
  });

  it('settles, with one event, a session Loops ended between the read and the expire (and refused the expire)', async () => {
    const { sweep, insertOpen, eventsAbout, status, lines } = setup((id) => (id === 'cs_race' ? 'ends_while_swept' : 'open'));
    await insertOpen('cs_race', seconds - 60);
    expect(await sweep()).toBe(1);
    expect(await status('cs_race')).toBe('expired');
    expect(await eventsAbout('cs_race')).toEqual(['checkout.session.expired']);
    // Settled, not retried: nothing about it is logged as a failure.
    expect(lines.filter((line) => line.includes('cs_race'))).toEqual([]);
    expect(await sweep()).toBe(0);
    expect(await eventsAbout('cs_race')).toEqual(['checkout.session.expired']);
  });

  it('does not take a V2 404 for a session V3 still has as "Loops forgot it": V3 decides, and Loops expires it', async () => {
    const { sweep, insertOpen, eventsAbout, status, loops } = setup((id) => (id === 'cs_v3_only' ? 'v2_not_found' : 'open'));
    await insertOpen('cs_v3_only', seconds - 2 * 3600);
    expect(await sweep()).toBe(1);
    expect(await status('cs_v3_only')).toBe('expired');
    expect(loops.expired).toEqual(['cs_v3_only']);
    expect(await eventsAbout('cs_v3_only')).toEqual(['checkout.session.expired']);
  });

  it('carries on with the next tenant when one tenant’s store fails', async () => {
    const { sweep, insertOpen, status, broken } = setup(() => 'open', ['acme', 'default']);
    await insertOpen('cs_acme', seconds - 60, 'acme');
    await insertOpen('cs_default', seconds - 60, 'default');
    broken.add('acme');
    expect(await sweep()).toBe(1);
    expect(await status('cs_default', 'default')).toBe('expired');
    expect(await status('cs_acme', 'acme')).toBe('open');
    broken.delete('acme');
    expect(await sweep()).toBe(1);
    expect(await status('cs_acme', 'acme')).toBe('expired');
  });

  it('looks again later at a session Loops reports paid without the total its adjustable quantity needs, and leaves it open', async () => {
    const { sweep, sessions, eventsAbout, status, advance, loops, lines } = setup((id) => (id === 'cs_adjustable' ? 'paid_no_total' : 'open'));
    const record: SessionRecord = sessionRecord({ id: 'cs_adjustable', tenantId: 'default', createdMs: NOW - 3_600_000, expiresAt: seconds - 60 });
    record.lineItems = [
      {
        id: 'li_1',
        quantity: 1,
        amount_subtotal: 100,
        amount_total: 100,
        adjustable_quantity: { enabled: true, minimum: 1, maximum: 10 },
        price: { id: 'price_x', product: 'prod_x', unit_amount: 100 },
      },
    ];
    await sessions.insert(record);
    expect(await sweep()).toBe(0);
    expect(await status('cs_adjustable')).toBe('open');
    expect(await eventsAbout('cs_adjustable')).toEqual([]);
    expect(lines.join('')).toContain('expiry sweep could not settle the session yet');
    // Pushed forward like any session it could not settle: the next runs do not ask Loops again.
    expect(loops.reads).toEqual(['cs_adjustable']);
    await sweep();
    expect(loops.reads).toEqual(['cs_adjustable']);
    advance(30 * 60 * 1000);
    await sweep();
    expect(loops.reads).toEqual(['cs_adjustable', 'cs_adjustable']);
  });

  it('forgets an index entry whose session record is gone (past its retention)', async () => {
    const { sweep, sessions, insertOpen, gone } = setup();
    await insertOpen('cs_due', seconds - 60);
    gone.add('cs_due');
    expect(await sweep()).toBe(0);
    gone.delete('cs_due');
    expect(await sessions.countDueForExpiry('default', Number.MAX_SAFE_INTEGER)).toBe(0);
  });

  describe('a backlog (issue 10, defect 8: 100 sessions per tenant per run made 10k take 50 minutes)', () => {
    it('settles 1,000 due sessions in one run, `concurrency` at a time, without holding up another tenant', async () => {
      const { sweep, sessions, insertOpen, status, loops } = setup(() => 'open', ['default', 'small']);
      for (let i = 0; i < 1000; i++) await insertOpen(`cs_bulk_${String(i).padStart(4, '0')}`, seconds - 60 - i);
      await insertOpen('cs_small', seconds - 30, 'small');
      expect(await expiryBacklog(sessions, ['default', 'small'], NOW)).toEqual({ default: 1000, small: 1 });
      let inFlight = 0;
      let maxInFlight = 0;
      const read = loops.loops.getSessionV3;
      loops.loops.getSessionV3 = async (id) => {
        const bulk = id.startsWith('cs_bulk');
        if (bulk) maxInFlight = Math.max(maxInFlight, ++inFlight);
        await sleep(1);
        if (bulk) inFlight -= 1;
        return read(id);
      };
      expect(await sweep()).toBe(1001);
      expect(maxInFlight).toBe(4);
      expect(await status('cs_bulk_0999')).toBe('expired');
      expect(await status('cs_small', 'small')).toBe('expired');
      // Tenants run side by side: the small tenant's session was not left behind the big backlog.
      expect(loops.expired.indexOf('cs_small')).toBeLessThan(10);
      expect(await expiryBacklog(sessions, ['default', 'small'], NOW)).toEqual({ default: 0, small: 0 });
    });

    it('pauses for Loops’ Retry-After on a 429 and settles the same sessions in the same run, without pushing them back', async () => {
      const { sweep, insertOpen, status, loops, lines } = setup();
      for (let i = 0; i < 20; i++) await insertOpen(`cs_busy_${String(i).padStart(2, '0')}`, seconds - 60 - i);
      let limited = 0;
      const limitedAt: number[] = [];
      const read = loops.loops.getSessionV3;
      loops.loops.getSessionV3 = async (id) => {
        if (limited < 3) {
          limited += 1;
          limitedAt.push(performance.now());
          throw new LoopsError({ kind: 'http', status: 429, message: 'Too many requests', retryAfterSeconds: 0.2 }, 'getSessionV3');
        }
        return read(id);
      };
      const started = performance.now();
      expect(await sweep()).toBe(20);
      expect(limited).toBe(3);
      // Loops asked for 200 ms: the sweep waited at least that before its next read.
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(await status('cs_busy_00')).toBe('expired');
      expect(lines.join('')).not.toContain('could not settle');
    });

    it('stops between sessions when asked (shutdown), leaving the rest due for the next run', async () => {
      const { sweep, sessions, insertOpen, loops } = setup();
      for (let i = 0; i < 300; i++) await insertOpen(`cs_stop_${String(i).padStart(3, '0')}`, seconds - 60 - i);
      const stopping = new AbortController();
      const expire = loops.loops.updateSessionV2;
      loops.loops.updateSessionV2 = async (id, body) => {
        if (loops.expired.length === 50) stopping.abort();
        return expire(id, body);
      };
      const settled = await sweep(stopping.signal);
      expect(settled).toBeGreaterThanOrEqual(50);
      expect(settled).toBeLessThan(60);
      expect(await sessions.countDueForExpiry('default', seconds)).toBe(300 - settled);
      expect(await sweep()).toBe(300 - settled);
    });
  });
});
