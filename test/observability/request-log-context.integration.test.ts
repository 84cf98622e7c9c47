import { createLogger } from '../../src/observability/logger';
import { useStack } from '../helpers/stack';

interface LogLine {
  msg?: string;
  requestId?: string;
  tenant?: string;
  [field: string]: unknown;
}

/**
 * One grep for a request id follows a create through every layer that logs: the services, the
 * Loops client's retry and the request line itself. Whatever carries the id there (a context, a
 * request-scoped logger handed down), a line that loses it fails here.
 */
describe("a create's log lines carry its request id and tenant", () => {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const stack = useStack({
    logger: createLogger('trace', { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line) as LogLine)) }),
  });

  const linesSince = (from: number, msg: string, requestId: string) =>
    lines.slice(from).filter((line) => line.msg === msg && line.requestId === requestId);
  const stripe = () => stack.stripe({ maxNetworkRetries: 0 });
  const key = () => `log-context-${Date.now()}-${Math.random()}`;

  it('a create: the service line and the request line', async () => {
    const from = lines.length;
    const session = await stripe().checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] },
      { idempotencyKey: key() },
    );
    const requestId = session.lastResponse.requestId;
    expect(lines.slice(from).filter((line) => line.msg === 'checkout session created')).toEqual([
      expect.objectContaining({ requestId, tenant: 'default', session: session.id }),
    ]);
    expect(linesSince(from, 'request', requestId)).toEqual([expect.objectContaining({ tenant: 'default', method: 'POST', status: 200 })]);
  });

  it('a create Loops fails: the failure line and the request line', async () => {
    expect(
      (
        await stack.loops.admin('POST', '/_emulator/faults', {
          method: 'POST',
          path: '/api/v3/checkout/sessions*',
          mode: 'error',
          status: 503,
          times: 1,
        })
      ).status,
    ).toBe(200);
    const from = lines.length;
    const failed = await stripe()
      .checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] }, { idempotencyKey: key() })
      .catch((error: { requestId?: string; statusCode?: number }) => error);
    await stack.loops.admin('DELETE', '/_emulator/faults');
    expect(failed).toMatchObject({ statusCode: 502, requestId: expect.stringMatching(/^req_/) });
    const requestId = String((failed as { requestId: string }).requestId);
    expect(linesSince(from, 'request failed', requestId)).toEqual([expect.objectContaining({ tenant: 'default' })]);
    expect(linesSince(from, 'request', requestId)).toEqual([expect.objectContaining({ tenant: 'default', status: 502 })]);
  });

  it("a read Loops fails twice: the Loops client's retry lines", async () => {
    const session = await stripe().checkout.sessions.create(
      { mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] },
      { idempotencyKey: key() },
    );
    expect(
      (await stack.loops.admin('POST', '/_emulator/faults', { method: 'GET', path: '/api/*', mode: 'error', status: 503, times: 2 })).status,
    ).toBe(200);
    const from = lines.length;
    const read = await stripe().checkout.sessions.retrieve(session.id);
    await stack.loops.admin('DELETE', '/_emulator/faults');
    const retries = lines.slice(from).filter((line) => line.msg === 'retrying Loops call');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.filter((line) => line.requestId !== read.lastResponse.requestId || line.tenant !== 'default')).toEqual([]);
  });

  it('writes each field once, though a line names its tenant and the request is scoped to one', () => {
    // A customer create logs 'stripe event recorded' with its own `tenant` field on a request scoped to the tenant.
    const repeated = raw.filter((line) => ['tenant', 'requestId'].some((key) => line.split(`"${key}":`).length > 2));
    expect(raw.length).toBeGreaterThan(0);
    expect(repeated).toEqual([]);
  });

  it('with a tenant field given by the line itself', async () => {
    const from = raw.length;
    const customer = await stripe().customers.create({ email: 'scope@example.com' }, { idempotencyKey: key() });
    const recorded = lines.slice(from).filter((line) => line.msg === 'stripe event recorded');
    expect(recorded).toEqual([expect.objectContaining({ requestId: customer.lastResponse.requestId, tenant: 'default' })]);
    expect(raw.slice(from).filter((line) => line.split('"tenant":').length > 2)).toEqual([]);
  });
});
