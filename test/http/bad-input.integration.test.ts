import { randomUUID } from 'node:crypto';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { storedStateProbe } from '../helpers/stored-state';

const AUTH = { authorization: `Bearer ${TEST_KEYS.gateway}` };
const FORM = { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' };

/** Hostile and broken requests: a clear Stripe-style 4xx each, and nothing stored anywhere. */
describe('bad input', () => {
  let probe: ReturnType<typeof storedStateProbe>;

  // Before useStack: after-hooks run in the order declared, so this runs while the stack is up.
  afterAll(() => {
    probe.close();
  });
  // No background work: the delivery worker's stalled-job check rewrites a key of the queue
  // (probed below) every 5 s, and would show as a change in whichever comparison it fell into.
  const stack = useStack({ background: false });
  beforeAll(() => {
    probe = storedStateProbe(stack);
  });

  /** Every request carries a fresh Idempotency-Key, as stripe-node sends: a refused one must not keep it. */
  const post = (body: string | Buffer, headers: Record<string, string> = FORM) =>
    fetch(`${stack.url}/v1/checkout/sessions`, { method: 'POST', headers: { 'idempotency-key': randomUUID(), ...headers }, body });
  /** Everything in the gateway's Redis (sessions, idempotency keys, operation pins, ad-hoc products) and what Loops made. */
  const stored = async () => ({
    redis: await probe.snapshot(),
    loopsProducts: (await stack.loops.admin('GET', '/_emulator/stats')).json.productsCreated as number,
  });

  const cases: [string, () => Promise<Response>, number, RegExp][] = [
    ['malformed form', () => post('mode=payment&line_items[0][price=x'), 400, /Invalid parameter name/],
    ['malformed JSON', () => post('{"mode": "payment",', { ...AUTH, 'content-type': 'application/json' }), 400, /not valid JSON/],
    ['invalid UTF-8', () => post(Buffer.from([0x6d, 0x6f, 0x64, 0x65, 0x3d, 0xff, 0xfe])), 400, /UTF-8/],
    ['bad percent-encoding', () => post('mode=%zz'), 400, /percent-encoding/],
    ['__proto__ key', () => post('__proto__[polluted]=yes&mode=payment'), 400, /Invalid parameter name/],
    [
      '__proto__ in JSON',
      () => post('{"line_items":[{"__proto__":{"x":1}}]}', { ...AUTH, 'content-type': 'application/json' }),
      400,
      /Invalid parameter name/,
    ],
    ['deep nesting', () => post(`a${'[x]'.repeat(50)}=1`), 400, /nested too deeply/],
    [
      'wrong type: object for a string',
      () => post('client_reference_id[a]=x&line_items[0][price]=price_mug'),
      400,
      /Invalid string: client_reference_id/,
    ],
    ['wrong type: object for an enum', () => post('mode[a]=payment&line_items[0][price]=price_mug'), 400, /Invalid mode: must be one of payment/],
    ['wrong type: string for an array', () => post('mode=payment&line_items=price_mug'), 400, /Invalid array: line_items/],
    ['wrong type: integer', () => post('mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1.5'), 400, /Invalid integer: 1.5/],
    ['negative quantity', () => post('mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=-1'), 400, /greater than or equal to 1/],
    ['101 line items', () => post(Array.from({ length: 101 }, (_, i) => `line_items[${i}][price]=price_mug`).join('&')), 400, /at most 100 items/],
    [
      '51 metadata keys',
      () => post(`line_items[0][price]=price_mug&${Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&')}`),
      400,
      /at most 50 keys/,
    ],
    ['metadata value over 500 chars', () => post(`line_items[0][price]=price_mug&metadata[k]=${'v'.repeat(501)}`), 400, /at most 500 characters/],
    ['metadata key over 40 chars', () => post(`line_items[0][price]=price_mug&metadata[${'k'.repeat(41)}]=v`), 400, /metadata key/],
    ['nested metadata', () => post('line_items[0][price]=price_mug&metadata[a][b]=c'), 400, /Invalid string/],
    ['10 MB body', () => post(`mode=payment&metadata[big]=${'x'.repeat(10 * 1024 * 1024)}`), 413, /too large/],
    [
      '10 MB JSON body',
      () =>
        post(JSON.stringify({ mode: 'payment', metadata: { big: 'x'.repeat(10 * 1024 * 1024) } }), { ...AUTH, 'content-type': 'application/json' }),
      413,
      /too large/,
    ],
    [
      'deep nesting in JSON',
      () => post(`${'{"a":'.repeat(50)}1${'}'.repeat(50)}`, { ...AUTH, 'content-type': 'application/json' }),
      400,
      /nested too deeply/,
    ],
    [
      'a bad price_data after a good one (nothing made in Loops either)',
      () =>
        post(
          'mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=321&line_items[0][price_data][product_data][name]=Bad%20input%20probe&line_items[1][price]=price_unknown',
        ),
      400,
      /No such price/,
    ],
    [
      'metadata over Loops’ 5 KB',
      () => post(`line_items[0][price]=price_mug&${Array.from({ length: 20 }, (_, i) => `metadata[k${i}]=${'v'.repeat(400)}`).join('&')}`),
      400,
      /5120 bytes/,
    ],
  ];

  it('valid UTF-8 is taken byte for byte: U+FFFD and emoji in a raw form or JSON body', async () => {
    const text = 'caf\u00e9 \ufffd \u{1f600}';
    const form = await post(Buffer.from(`line_items[0][price]=price_mug&metadata[note]=${text}`, 'utf8'));
    const json = await post(Buffer.from(JSON.stringify({ line_items: [{ price: 'price_mug' }], metadata: { note: text } }), 'utf8'), {
      ...AUTH,
      'content-type': 'application/json',
    });
    for (const response of [form, json]) {
      expect(response.status).toBe(200);
      expect(((await response.json()) as { metadata: Record<string, string> }).metadata).toEqual({ note: text });
    }
  });

  it.each(cases)('%s → Stripe-style error, nothing stored', async (_name, send, status, message) => {
    const before = await stored();
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(message);
    const after = await stored();
    expect(await probe.changesSince(before.redis)).toEqual([]);
    expect(after.loopsProducts).toBe(before.loopsProducts);
  });

  it('the probe sees what a successful create stores (so an empty diff above means something)', async () => {
    const before = await stored();
    expect((await post('mode=payment&line_items[0][price]=price_mug')).status).toBe(200);
    const changes = await probe.changesSince(before.redis);
    expect(changes.some((key) => key.includes(':idem:'))).toBe(true);
    expect(changes.some((key) => key.includes(':session:'))).toBe(true);
    expect(changes).toContain('~loops:sessionsCreated');
  });

  it('does not keep the Idempotency-Key of a rejected request: the corrected request runs', async () => {
    const headers = { ...FORM, 'idempotency-key': 'fix-and-retry' };
    expect((await post('mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=zero', headers)).status).toBe(400);
    const fixed = await post('mode=payment&line_items[0][price]=price_mug&line_items[0][quantity]=1', headers);
    expect(fixed.status).toBe(200);
  });

  it('query parameters are validated like body parameters', async () => {
    const response = await fetch(`${stack.url}/v1/checkout/sessions?limit=1000`, { headers: AUTH });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: 'limit', message: 'This value must be less than or equal to 100.' } });
    const unknown = await fetch(`${stack.url}/v1/checkout/sessions?colour=red`, { headers: AUTH });
    expect(await unknown.json()).toMatchObject({ error: { code: 'parameter_unknown', param: 'colour' } });
  });

  it('unknown paths and methods get Stripe’s 404, not a crash', async () => {
    for (const [method, path] of [
      ['GET', '/v1/nothing'],
      ['DELETE', '/v1/checkout/sessions/cs_x'],
      ['GET', '/nothing'],
    ]) {
      const response = await fetch(`${stack.url}${path}`, { method, headers: AUTH });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: { type: 'invalid_request_error', message: expect.stringContaining('Unrecognized request URL') },
      });
    }
  });
});
