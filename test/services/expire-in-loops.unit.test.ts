import type { LoopsClient } from '../../src/loops/loops-client';
import { LoopsError } from '../../src/loops/loops-error';
import type { LoopsV2UpdateSessionBody } from '../../src/loops/loops-schemas';
import type { TenantContext } from '../../src/services/call-context';
import { expireInLoops } from '../../src/services/checkout-sessions/expire-in-loops';

const NOW = 1_800_000_000_000;

/** A tenant whose Loops answers the V2 update with `answer` and records what it was sent. */
function tenantAnswering(answer: (id: string) => Promise<{ id: string; status: string; amount?: number; currency?: string }>) {
  const sent: { id: string; body: LoopsV2UpdateSessionBody }[] = [];
  const loops = {
    updateSessionV2: async (id: string, body: LoopsV2UpdateSessionBody) => {
      sent.push({ id, body });
      return answer(id);
    },
  } as unknown as LoopsClient;
  return { tenant: { loops } as unknown as TenantContext, sent };
}

describe('expireInLoops', () => {
  it('sends Loops the V2 update with expiresAt = now and reads a still-open answer as expired', async () => {
    const { tenant, sent } = tenantAnswering(async (id) => ({ id, status: 'PENDING' }));
    await expect(expireInLoops(tenant, 'cs_test_a', NOW)).resolves.toEqual({ state: 'expired', amountTotal: null });
    expect(sent).toEqual([{ id: 'cs_test_a', body: { expiresAt: new Date(NOW).toISOString() } }]);
  });

  it('keeps a session Loops reports paid in the meantime complete, with its total in minor units', async () => {
    const { tenant } = tenantAnswering(async (id) => ({ id, status: 'COMPLETED', amount: 12.5, currency: 'eur' }));
    await expect(expireInLoops(tenant, 'cs_test_b', NOW)).resolves.toEqual({ state: 'completed', amountTotal: 1250 });
  });

  it('with expireThroughV2Update off, refuses with loops_contract_off and sends Loops nothing', async () => {
    const { tenant, sent } = tenantAnswering(async (id) => ({ id, status: 'PENDING' }));
    await expect(expireInLoops(tenant, 'cs_test_off', NOW, false)).rejects.toMatchObject({ errorName: 'loops_contract_off', status: 400 });
    expect(sent).toEqual([]);
  });

  it("lets Loops' refusal through to the caller", async () => {
    const refusal = new LoopsError({ kind: 'http', status: 400, code: 'invalid', message: 'session is not open' }, 'updateSessionV2');
    const { tenant } = tenantAnswering(async () => {
      throw refusal;
    });
    await expect(expireInLoops(tenant, 'cs_test_c', NOW)).rejects.toBe(refusal);
  });
});
