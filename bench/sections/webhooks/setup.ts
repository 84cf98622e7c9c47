import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { createSessionRequest, freshIdempotencyKey } from '../../load/create-session-request';
import { forEachBounded } from './bounded';

/** One session the bench will report as paid: the Loops event that says so, ready to sign and send. */
export interface PreparedEvent {
  sessionId: string;
  loopsEventId: string;
  /** The exact bytes sent (the signature covers them). */
  body: string;
}

const TIMEOUT_MS = 15_000;

/**
 * Not timed. Creates `count` checkout sessions through the gateway (as stripe-node does: form body,
 * bearer key, a fresh Idempotency-Key each) with bounded concurrency, reads each one's Loops V3
 * object back from the emulator (`GET /api/v3/checkout/sessions/:id`, what Loops would put in the
 * event), and builds the `checkout.session.completed` event Loops sends when it is paid.
 */
export async function prepareEvents(options: {
  gatewayUrl: string;
  gatewayApiKey: string;
  stripePriceId: string;
  emulatorUrl: string;
  loopsApiKey: string;
  count: number;
  concurrency: number;
}): Promise<PreparedEvent[]> {
  const request = createSessionRequest(options.gatewayApiKey, options.stripePriceId);
  const gateway = new Pool(options.gatewayUrl, { connections: options.concurrency, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  const emulator = new Pool(options.emulatorUrl, { connections: options.concurrency, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  const runTag = randomBytes(4).toString('hex');
  const prepared: PreparedEvent[] = new Array<PreparedEvent>(options.count);
  try {
    await forEachBounded(options.count, options.concurrency, async (index) => {
      const created = await gateway.request({
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'idempotency-key': freshIdempotencyKey() },
        body: request.body,
      });
      const session = (await created.body.json()) as { id?: unknown; object?: unknown };
      if (created.statusCode !== 200 || typeof session.id !== 'string' || session.object !== 'checkout.session') {
        throw new Error(`setup: the gateway did not create session ${index}: HTTP ${created.statusCode} ${JSON.stringify(session).slice(0, 300)}`);
      }
      const fetched = await emulator.request({
        method: 'GET',
        path: `/api/v3/checkout/sessions/${encodeURIComponent(session.id)}`,
        headers: { authorization: `Bearer ${options.loopsApiKey}`, accept: 'application/json' },
      });
      const loops = (await fetched.body.json()) as Record<string, unknown>;
      if (fetched.statusCode !== 200 || loops.id !== session.id) {
        throw new Error(`setup: the emulator has no V3 session ${session.id}: HTTP ${fetched.statusCode} ${JSON.stringify(loops).slice(0, 300)}`);
      }
      const loopsEventId = `evt_bench${runTag}${String(index).padStart(7, '0')}`;
      const event = {
        id: loopsEventId,
        object: 'event',
        type: 'checkout.session.completed',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        // The snapshot Loops takes when the session is paid (docs/loops-contract.md §5).
        data: { object: { ...loops, payment_status: 'paid', payment_intent: loops.payment_intent ?? `pi_bench${runTag}${index}` } },
      };
      prepared[index] = { sessionId: session.id, loopsEventId, body: JSON.stringify(event) };
    });
  } finally {
    await Promise.all([gateway.close(), emulator.close()]);
  }
  return prepared;
}
