import { type Stack, useStack } from '../helpers/stack';

const gauge = async (stack: Stack, series: string): Promise<number> => {
  const text = await (await fetch(`${stack.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length).trim()) : NaN;
};

/**
 * Issue 10, defect 8: the sweep settled at most 100 sessions per tenant per run, so 10k sessions
 * expiring together delayed `checkout.session.expired` by about 50 minutes. Against the emulator:
 * 1,000 sessions Loops expired without telling the gateway are all settled by one run, and
 * `/metrics` shows the backlog before and after.
 */
describe('expiry sweep backlog (emulator)', () => {
  let offsetMs = 0;
  const COUNT = 1_000;

  const stack = useStack({ now: () => Date.now() + offsetMs, background: false });
  beforeAll(async () => {
    // Loops' expiry webhooks never arrive: only the sweep can settle these sessions.
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [] });
  });

  it('settles 1,000 sessions past expires_at in one run, and reports the backlog in /metrics', async () => {
    const stripe = stack.stripe();
    const ids: string[] = [];
    // A minute above the 30-minute minimum, which a request landing in the next second would miss.
    const expiresAt = Math.floor(Date.now() / 1000) + 1860;
    for (let from = 0; from < COUNT; from += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, () =>
          stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }], expires_at: expiresAt }),
        ),
      );
      ids.push(...batch.map((session) => session.id));
    }
    expect(await gauge(stack, 'gateway_expiry_sweep_backlog{tenant="default"}')).toBe(0);
    // Two hours pass on both sides; Loops expires every session and says nothing.
    offsetMs = 2 * 3600 * 1000;
    await stack.loops.admin('POST', '/_emulator/clock', { advanceSeconds: 2 * 3600 });
    expect(await gauge(stack, 'gateway_expiry_sweep_backlog{tenant="default"}')).toBe(COUNT);

    expect(await stack.container.sweepExpired()).toBe(COUNT);
    expect(await gauge(stack, 'gateway_expiry_sweep_backlog{tenant="default"}')).toBe(0);
    expect(await gauge(stack, 'gateway_expiry_sweep_settled_total{tenant="default"}')).toBe(COUNT);
    const stored = await stack.container.stores.sessions.getMany('default', ids);
    expect(stored.filter((record) => record?.session.status === 'expired')).toHaveLength(COUNT);
    const events = await stripe.events.list({ type: 'checkout.session.expired', limit: 100 }).autoPagingToArray({ limit: 10_000 });
    expect(new Set(events.map((event) => (event.data.object as { id: string }).id))).toEqual(new Set(ids));
    expect(events).toHaveLength(COUNT);
  }, 180_000);
});
