import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { WEBHOOK_PATH, type DeliveryRecord, type ReceiverRecords, type ReceiverStats } from './receiver-api';

/**
 * The merchant's end of the webhooks section: a minimal Node http server that checks every
 * delivery exactly as an unchanged Stripe integration does (`stripe.webhooks.constructEvent` on the
 * raw body: HMAC-SHA256 of `t.payload` keyed with the whole `whsec_` secret, lowercase hex, 300 s
 * tolerance) and records event id, type, session id and arrival time. A delivery that fails the
 * check is answered 400, as a merchant's handler would.
 *
 * Run as its own process by the bench (sections/webhooks/receiver-process.ts), so its CPU is not
 * the load generator's; configured by RECEIVER_* env. The bench reads what it saw from
 * `GET /_bench/stats` (cheap, polled) and `GET /_bench/records` (once, at the end).
 *
 * Arrival times are `performance.timeOrigin + performance.now()`: wall-clock milliseconds with
 * sub-millisecond resolution, comparable with the load generator's send times on the same machine.
 */
const port = Number(process.env.RECEIVER_PORT ?? '0');
const secret = process.env.RECEIVER_SECRET ?? '';
if (!secret.startsWith('whsec_')) {
  process.stderr.write('webhook receiver: RECEIVER_SECRET (whsec_…) is required\n');
  process.exit(1);
}
// The key is never used: constructEvent is local (stripe-node verifies without calling Stripe).
const stripe = new Stripe('sk_test_bench_receiver_unused_key');

let records: DeliveryRecord[] = [];
let signatureFailures = 0;
let failureSamples: string[] = [];
/** Distinct sessions with a verified `checkout.session.completed`: what the bench waits for. */
let completedSessions = new Set<string>();

const now = () => performance.timeOrigin + performance.now();

function receiveDelivery(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = now();
    const raw = Buffer.concat(chunks);
    const signature = String(req.headers['stripe-signature'] ?? '');
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(raw, signature, secret);
    } catch (error) {
      signatureFailures += 1;
      if (failureSamples.length < 5) failureSamples.push((error as Error).message.slice(0, 300));
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"received":false}');
      return;
    }
    const object = event.data.object as { id?: unknown };
    const sessionId = typeof object.id === 'string' ? object.id : '';
    records.push([event.id, event.type, sessionId, at]);
    if (event.type === 'checkout.session.completed') completedSessions.add(sessionId);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  });
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'POST' && path === WEBHOOK_PATH) return receiveDelivery(req, res);
  if (req.method === 'GET' && path === '/healthz') return sendJson(res, { ok: true });
  if (req.method === 'GET' && path === '/_bench/stats') {
    const stats: ReceiverStats = { deliveries: records.length, completedSessions: completedSessions.size, signatureFailures };
    return sendJson(res, stats);
  }
  if (req.method === 'GET' && path === '/_bench/records') {
    const all: ReceiverRecords = { records, signatureFailures, failureSamples };
    return sendJson(res, all);
  }
  if (req.method === 'POST' && path === '/_bench/reset') {
    records = [];
    signatureFailures = 0;
    failureSamples = [];
    completedSessions = new Set();
    return sendJson(res, { ok: true });
  }
  res.writeHead(404).end();
});
// Longer than the gateway's undici keep-alive (10 s): an idle socket closed by this side while the
// gateway reuses it would be a failed delivery attempt the bench did not cause on purpose.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
