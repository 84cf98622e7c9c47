import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';

/**
 * The bench's baseline: "the same upstream work without the gateway". It answers
 * `POST /v1/checkout/sessions` by creating one Loops V3 session with a fixed single line item and
 * returning Loops' answer as is: no parsing, no Redis, no translation. It uses the same HTTP client
 * and connection pool settings as the gateway (undici Agent, keep-alive, 256 connections), so the
 * gateway/proxy ratio measures the gateway's own work, not a client library difference.
 *
 * Run as its own process by the bench (bench/harness/processes.ts); configured by PROXY_* env.
 */
const port = Number(process.env.PROXY_PORT ?? '0');
const upstream = (process.env.PROXY_UPSTREAM ?? '').replace(/\/+$/, '');
const loopsKey = process.env.PROXY_LOOPS_KEY ?? '';
const loopsPrice = process.env.PROXY_LOOPS_PRICE ?? '';
if (!upstream || !loopsKey || !loopsPrice) {
  process.stderr.write('pass-through proxy: PROXY_UPSTREAM, PROXY_LOOPS_KEY and PROXY_LOOPS_PRICE are required\n');
  process.exit(1);
}

const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
const sessionBody = JSON.stringify({ line_items: [{ price: loopsPrice, quantity: 1 }], mode: 'payment', success_url: 'https://example.com/success' });

async function createSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
  for await (const chunk of req) void chunk; // read and drop the form body, as a proxy must
  const key = req.headers['idempotency-key'];
  const response = await request(`${upstream}/api/v3/checkout/sessions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${loopsKey}`,
      accept: 'application/json',
      'content-type': 'application/json',
      // Forward the client's key, so Loops does the same idempotency work as behind the gateway.
      'idempotency-key': typeof key === 'string' ? key : randomUUID(),
    },
    body: sessionBody,
    dispatcher,
    signal: AbortSignal.timeout(10_000),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  res.writeHead(response.statusCode, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not proxied"}}');
    return;
  }
  createSession(req, res).catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `upstream failed: ${(error as Error).message}` } }));
  });
});
// The same keep-alive as the gateway's server (src/main.ts), so load-generator connections are reused alike.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => {
  server.closeAllConnections();
  server.close(() => void dispatcher.close().finally(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
