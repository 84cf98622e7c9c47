import { createServer } from 'node:http';

/**
 * The bench's lean upstream: a fake Loops that costs next to nothing, so the proxy in front of it
 * is what saturates and the gateway/proxy ratio measures the gateway's own work. The emulator
 * (src/emulator) validates, stores and keys every request like Loops does; at ~3,500 creates/s it
 * capped the proxy, which flattered the gateway (issue 13).
 *
 * It answers `POST /api/v3/checkout/sessions` with the fewest fields the gateway reads from a V3
 * session (docs/loops-contract.md §3.2): a fresh `id`, a `url`, `status`, `payment_status`, and
 * `amount_total` + `currency` (LEAN_AMOUNT_TOTAL, LEAN_CURRENCY), so the gateway's own check of what
 * Loops charges against the mapped price still runs. No authentication, no validation, no
 * idempotency, no state beyond a counter; every other request is a 404. The body is read and dropped.
 *
 * `GET /_lean/stats` → `{"sessionsCreated":n}` and `POST /_lean/reset` let the bench check that
 * every 2xx made exactly one session, as it does with the emulator.
 *
 * Run as its own process by the bench (bench/harness/processes.ts); configured by LEAN_* env.
 */
const port = Number(process.env.LEAN_PORT ?? '0');
const amountTotal = Number(process.env.LEAN_AMOUNT_TOTAL ?? '');
const currency = process.env.LEAN_CURRENCY ?? '';
if (!Number.isInteger(amountTotal) || !currency) {
  process.stderr.write('lean Loops: LEAN_AMOUNT_TOTAL (minor units) and LEAN_CURRENCY are required\n');
  process.exit(1);
}

const idPrefix = `cs_lean_${process.pid}_`;
let created = 0;

function sessionBody(id: string): string {
  return `{"id":"${id}","url":"https://pay.example.invalid/${id}","status":"open","payment_status":"unpaid","amount_total":${amountTotal},"currency":"${currency}"}`;
}

const server = createServer((req, res) => {
  req.resume(); // read and drop the body
  req.once('end', () => {
    if (req.method === 'POST' && req.url === '/api/v3/checkout/sessions') {
      created += 1;
      const body = sessionBody(`${idPrefix}${created}`);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    if (req.method === 'GET' && (req.url === '/_lean/stats' || req.url === '/_lean/health')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sessionsCreated: created }));
      return;
    }
    if (req.method === 'POST' && req.url === '/_lean/reset') {
      created = 0;
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"the lean Loops answers session creates only"}}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
