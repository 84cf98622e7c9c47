import type { TenantConfig } from '../../src/config';
import type { LoopsClient } from '../../src/loops/loops-client';
import { LoopsError } from '../../src/loops/loops-error';
import { createLogger } from '../../src/observability/logger';
import { createExpirySweep } from '../../src/services/checkout-sessions/expiry-sweep';
import { createSessionSync } from '../../src/services/checkout-sessions/session-sync';
import type { SessionEventSink } from '../../src/services/session-events';
import { createMemorySessionStore } from '../../src/store/memory-session-store';
import { sessionRecord } from '../helpers/session-records';

const NOW = 1_800_000_000_000;
const tenantConfig: TenantConfig = {
  id: 'default',
  apiKeys: ['sk_test_sweep_unit_key'],
  loops: { apiBase: 'http://loops.invalid', apiKey: 'loops_unit_fake' },
  loopsWebhookSecret: undefined,
  webhookSecrets: [],
  webhookEndpoints: [],
};
const unused = async (): Promise<never> => {
  throw new Error('not used by the sweep');
};

const openRecord = (id: string, expiresAt: number) => sessionRecord({ id, tenantId: 'default', createdMs: NOW - 3_600_000, expiresAt });

/** Loops, faked at the outermost edge: it still calls every session open and unpaid. */
function loopsThatKeepsSessionsOpen(down = false) {
  const expired: string[] = [];
  const loops: LoopsClient = {
    createSessionV3: unused,
    createSessionV2: unused,
    getSessionV2: unused,
    createProductV3: unused,
    getProductV3: unused,
    listProductsV3: unused,
    getSessionV3: async (id) => {
      if (down) throw new LoopsError({ kind: 'timeout' }, 'getSessionV3');
      return { id, payment_status: 'unpaid', expires_at: null };
    },
    updateSessionV2: async (id) => {
      expired.push(id);
      return { id, status: 'EXPIRED' };
    },
  };
  return { loops, expired };
}

describe('expiry sweep', () => {
  const setup = (down = false) => {
    const sessions = createMemorySessionStore();
    const settled: string[] = [];
    const events: SessionEventSink = { sessionSettled: async (record) => void settled.push(`${record.session.id}:${record.session.status}`) };
    const logger = createLogger('silent');
    const now = () => NOW;
    const sync = createSessionSync({ sessions, events, now, logger });
    const fake = loopsThatKeepsSessionsOpen(down);
    const sweep = createExpirySweep({ sessions, sync, tenants: [{ config: tenantConfig, loops: fake.loops }], now, logger });
    return { sessions, settled, sweep, expiredInLoops: fake.expired };
  };

  it('expires in Loops, then settles once, sessions Loops still calls open past expires_at', async () => {
    const { sessions, settled, sweep, expiredInLoops } = setup();
    await sessions.insert(openRecord('cs_due', NOW / 1000 - 60));
    await sessions.insert(openRecord('cs_in_grace', NOW / 1000 - 2));
    await sessions.insert(openRecord('cs_later', NOW / 1000 + 600));
    expect(await sweep()).toBe(1);
    expect(expiredInLoops).toEqual(['cs_due']);
    expect(settled).toEqual(['cs_due:expired']);
    expect(await sweep()).toBe(0);
    expect((await sessions.get('default', 'cs_later'))?.session.status).toBe('open');
  });

  it('leaves sessions for the next sweep while Loops cannot be reached', async () => {
    const { sessions, settled, sweep, expiredInLoops } = setup(true);
    await sessions.insert(openRecord('cs_due', NOW / 1000 - 60));
    expect(await sweep()).toBe(0);
    expect([settled, expiredInLoops]).toEqual([[], []]);
    expect((await sessions.get('default', 'cs_due'))?.session.status).toBe('open');
  });
});
