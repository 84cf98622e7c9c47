import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { TEST_KEYS, useStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait-for';

/**
 * Replay attacks on `POST /webhooks/loops` (docs/loops-contract.md §5, issue 6): real Loops deliveries,
 * captured on their way from the emulator, sent again by an attacker. Outside the tolerance they
 * are refused; inside it they are acknowledged as duplicates and change nothing a second time;
 * a signature never vouches for other bytes or other encodings. Complements
 * test/webhooks/signatures.contract.test.ts (good signature, wrong secret, stale header, tamper).
 */

interface Captured {
  raw: Buffer;
  signature: string;
  type: string;
  sessionId: string | undefined;
}

describe('Loops webhook replay attacks', () => {
  let stripe: Stripe;
  let capture: Server;
  const captured: Captured[] = [];
  /** The gateway's clock runs this far from the real one (the emulator signs with the real one). */
  let clockOffsetMs = 0;
  let tolerance: number;

  beforeAll(async () => {
    capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const event = JSON.parse(raw.toString('utf8')) as { type: string; data: { object: { id?: string; checkout_session?: string } } };
        captured.push({ raw, signature: String(req.headers['x-loops-signature']), type: event.type, sessionId: sessionOf(event.data.object) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  });
  const stack = useStack(() => ({ now: () => Date.now() + clockOffsetMs, env: { RATE_LIMIT_PER_SECOND: '0' } }));
  beforeAll(async () => {
    stripe = stack.stripe({ maxNetworkRetries: 0 });
    tolerance = stack.container.config.loopsWebhook.toleranceSeconds;
    const address = capture.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // Loops' deliveries go to the attacker's recorder, not to the gateway: the tests replay them.
    await stack.loops.admin('PUT', '/_emulator/webhooks', { targets: [{ url: `http://127.0.0.1:${port}/`, secret: TEST_KEYS.loopsWebhook }] });
  });
  afterEach(() => {
    clockOffsetMs = 0;
  });
  afterAll(async () => {
    capture.closeAllConnections();
    await new Promise<void>((resolve) => capture.close(() => resolve()));
  });

  /** A paid session whose Loops deliveries (completed + charge) were captured, not delivered. */
  async function capturedCompletion() {
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_mug', quantity: 1 }] });
    const completed = await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`);
    expect(completed.status).toBe(200);
    const mine = (c: Captured) => c.sessionId === session.id;
    await waitFor(() => captured.filter(mine).length >= 2, 10_000, 'the captured Loops deliveries');
    const deliveries = captured.filter(mine);
    const completion = deliveries.find((c) => c.type === 'checkout.session.completed');
    if (!completion) throw new Error(`no checkout.session.completed captured: ${deliveries.map((c) => c.type).join(', ')}`);
    return { session, completion, deliveries };
  }

  const post = async (raw: Buffer, signature: string) => {
    const response = await fetch(`${stack.url}/webhooks/loops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-loops-signature': signature },
      body: raw,
    });
    return { status: response.status, body: (await response.json()) as { received?: boolean; outcome?: string; error?: { message: string } } };
  };
  // Read from the store, not through the API: a retrieve would merge Loops' state by itself.
  const stored = async (id: string) => {
    const record = await stack.container.stores.sessions.get('default', id);
    if (!record) throw new Error(`session ${id} is not stored`);
    return record.session;
  };
  const statusOf = async (id: string) => (await stored(id)).status;
  const allEvents = async () => (await stack.container.stores.events.list('default', { limit: 10_000, matches: () => true })).records;
  /** The types of the Stripe events the gateway recorded about one session and its payment. */
  const eventsAbout = async (sessionId: string) => {
    const paymentIntent = (await stored(sessionId)).payment_intent;
    return (await allEvents())
      .filter((event) => {
        const text = JSON.stringify(event);
        return text.includes(sessionId) || (typeof paymentIntent === 'string' && text.includes(paymentIntent));
      })
      .map((event) => event.type)
      .sort();
  };

  it('refuses a captured delivery replayed outside the tolerance window, past or future, and records nothing (100 runs)', async () => {
    const { session, completion } = await capturedCompletion();
    const signedAt = Number(/t=(\d+)/.exec(completion.signature)?.[1]);
    expect(Number.isInteger(signedAt)).toBe(true);
    const eventsBefore = (await allEvents()).length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: tolerance + 1, max: 30 * 24 * 3600 }), fc.boolean(), async (lateBy, fromThePast) => {
        // A timestamp `lateBy` seconds in the past is the gateway's clock being that far ahead. The
        // clock is placed relative to the signature's own `t` (mid-second, so flooring cannot
        // shave a second off), not to "now": the capture is already a few seconds old.
        const gatewayNowMs = (signedAt + (fromThePast ? lateBy : -lateBy)) * 1000 + 500;
        clockOffsetMs = gatewayNowMs - Date.now();
        const response = await post(completion.raw, completion.signature);
        expect(response.status).toBe(400);
        expect(response.body.error?.message).toMatch(/tolerance/);
      }),
      { numRuns: 100 },
    );
    clockOffsetMs = 0;
    expect(await statusOf(session.id)).toBe('open');
    expect((await allEvents()).length).toBe(eventsBefore);
    // Not marked as handled either: the same bytes in time are processed normally.
    expect((await post(completion.raw, completion.signature)).body).toEqual({ received: true, outcome: 'processed' });
    expect(await statusOf(session.id)).toBe('complete');
  });

  it('acknowledges replays inside the window as duplicates, refuses them after it, and records the payment once (100 runs)', async () => {
    const { session, deliveries } = await capturedCompletion();
    for (const delivery of deliveries) expect((await post(delivery.raw, delivery.signature)).status).toBe(200);
    expect(await statusOf(session.id)).toBe('complete');
    const once = await eventsAbout(session.id);
    expect(once).toEqual(expect.arrayContaining(['charge.succeeded', 'checkout.session.completed']));

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...deliveries), fc.integer({ min: -(tolerance - 1), max: tolerance - 1 }), async (delivery, skew) => {
        // Relative to the delivery's own signature time, however long ago it was captured.
        const signedAt = Number(/t=(\d+)/.exec(delivery.signature)?.[1]);
        clockOffsetMs = (signedAt + skew) * 1000 + 500 - Date.now();
        expect((await post(delivery.raw, delivery.signature)).body).toEqual({ received: true, outcome: 'duplicate' });
      }),
      { numRuns: 100 },
    );
    // The same capture after the window: a 400, not even a duplicate acknowledgement.
    clockOffsetMs = (tolerance + 60) * 1000;
    expect((await post(deliveries[0]?.raw ?? Buffer.alloc(0), deliveries[0]?.signature ?? '')).status).toBe(400);
    clockOffsetMs = 0;
    expect(await eventsAbout(session.id)).toEqual(once);
  });

  it('concurrent replays of one delivery inside the window record one Stripe event, not several', async () => {
    const { session, completion } = await capturedCompletion();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(completion.raw, completion.signature)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(await statusOf(session.id)).toBe('complete');
    expect((await eventsAbout(session.id)).filter((type) => type === 'checkout.session.completed')).toHaveLength(1);
  });

  it('a signature never vouches for other bytes: any change to the body is refused (150 runs)', async () => {
    const { session, completion, deliveries } = await capturedCompletion();
    const other = deliveries.find((d) => d !== completion);
    const eventsBefore = (await allEvents()).length;
    const mutation = fc.oneof(
      // Flip, insert or delete one byte anywhere, including invisible whitespace changes.
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(0x20, 0x0a, 0x09, 0x7b, 0x22, 0x00, 0xff) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.constant({ kind: 'other' as const }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (change) => {
        let body: Buffer;
        const bytes = Buffer.from(completion.raw);
        if (change.kind === 'flip') {
          const at = change.at % bytes.length;
          bytes[at] = (bytes[at] ?? 0) ^ (1 << change.bit);
          body = bytes;
        } else if (change.kind === 'insert') {
          const at = change.at % (bytes.length + 1);
          body = Buffer.concat([bytes.subarray(0, at), Buffer.from([change.byte]), bytes.subarray(at)]);
        } else if (change.kind === 'delete') {
          const at = change.at % bytes.length;
          body = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
        } else {
          body = other?.raw ?? Buffer.from('{}');
        }
        const response = await post(body, completion.signature);
        expect(response.status).toBe(400);
      }),
      { numRuns: 150 },
    );
    expect(await statusOf(session.id)).toBe('open');
    expect((await allEvents()).length).toBe(eventsBefore);
    expect((await post(completion.raw, completion.signature)).body).toEqual({ received: true, outcome: 'processed' });
  });

  describe('signatures in the wrong form are refused', () => {
    const hmac = (secret: string, data: string, algorithm = 'sha256') => createHmac(algorithm, secret).update(data);
    const forms: [string, (t: number, body: string) => string][] = [
      ['uppercase hex', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex').toUpperCase()}`],
      ['base64', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('base64')}`],
      ['base64url', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('base64url')}`],
      ['hex with trailing junk', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex')}zz`],
      ['hex with one extra digit', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex')}0`],
      ['hex missing its last digit', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex').slice(0, -1)}`],
      ['HMAC-SHA1', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`, 'sha1').digest('hex')}`],
      ['HMAC of the body alone', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, body).digest('hex')}`],
      ['plain SHA-256, no key', (t, body) => `t=${t},v1=${createHash('sha256').update(`${t}.${body}`).digest('hex')}`],
      ['a timestamp other than the signed one', (t, body) => `t=${t + 1},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex')}`],
      ['the v0 scheme', (t, body) => `t=${t},v0=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex')}`],
      ['the Stripe webhook secret as the key', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.stripeWebhook, `${t}.${body}`).digest('hex')}`],
      ['the Loops API key as the key', (t, body) => `t=${t},v1=${hmac(TEST_KEYS.loops, `${t}.${body}`).digest('hex')}`],
      ['an empty key', (t, body) => `t=${t},v1=${hmac('', `${t}.${body}`).digest('hex')}`],
    ];

    it.each(forms)('%s → 400, nothing recorded', async (_name, sign) => {
      const { session, completion } = await capturedCompletion();
      const body = completion.raw.toString('utf8');
      const t = Math.floor(Date.now() / 1000);
      const eventsBefore = (await allEvents()).length;
      const response = await post(completion.raw, sign(t, body));
      expect(response.status).toBe(400);
      expect(response.body.error?.message).toMatch(/Invalid Loops webhook signature/);
      expect(await statusOf(session.id)).toBe('open');
      expect((await allEvents()).length).toBe(eventsBefore);
      // The control: the lowercase-hex signature of the same bytes and time is accepted.
      const good = `t=${t},v1=${hmac(TEST_KEYS.loopsWebhook, `${t}.${body}`).digest('hex')}`;
      expect((await post(completion.raw, good)).body).toEqual({ received: true, outcome: 'processed' });
    });
  });
});

/** The session a captured Loops event is about (a session object, or a charge naming its session). */
function sessionOf(object: { id?: string; checkout_session?: string }): string | undefined {
  return object.id?.startsWith('cs_') ? object.id : object.checkout_session;
}
