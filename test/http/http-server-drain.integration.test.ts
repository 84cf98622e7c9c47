import { request } from 'node:http';
import { createHttpServer, type HttpServer } from '../../src/http/http-server';
import { closesWithin, holdSocket } from '../helpers/held-socket';

/**
 * The drain main.ts runs on SIGTERM, on the gateway's own server with short deadlines: a request
 * in flight still gets its answer, a connection whose request head never arrives is answered 408
 * at the header deadline (Node stops checking it once the server closes), and whatever is still
 * open when the drain ends is destroyed, so closing is bounded whatever clients do.
 */
describe('HTTP server drain', () => {
  const HEADERS_TIMEOUT_MS = 500;
  const DRAIN_MS = 1500;
  let http: HttpServer;
  let port: number;

  beforeEach(async () => {
    http = createHttpServer(
      (req, res) => {
        // `/slow` answers after 300 ms, `/never` never does.
        if (req.url === '/slow') setTimeout(() => res.end('done'), 300);
        else if (req.url !== '/never') res.end('ok');
      },
      { headersTimeoutMs: HEADERS_TIMEOUT_MS, bodyTimeoutMs: 500 },
    );
    await new Promise<void>((resolve) => http.server.listen(0, '127.0.0.1', resolve));
    const address = http.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterEach(() => {
    http.server.closeAllConnections();
    http.server.close();
  });

  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers the request in flight, closes idle connections at once and stalled request heads at the header deadline', async () => {
    const idle = await holdSocket(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    while (idle.status() === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    const stalledHead = await holdSocket(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    const inFlight = get('/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    let forced = false;
    const drained = http.drain(DRAIN_MS, () => (forced = true));
    expect(await closesWithin(idle, 500)).toBeGreaterThan(0);
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    await closesWithin(stalledHead, HEADERS_TIMEOUT_MS + 1000);
    expect(stalledHead.status()).toBe(408);
    await drained;
    // Everything ended by itself: the drain did not have to force anything.
    expect(forced).toBe(false);
    expect(Date.now() - started).toBeLessThan(DRAIN_MS);
  });

  it('destroys a request that is still running when the drain ends, and says so', async () => {
    const never = get('/never');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    let forced = false;
    await http.drain(DRAIN_MS, () => (forced = true));
    expect(forced).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAIN_MS - 50);
    expect(Date.now() - started).toBeLessThan(DRAIN_MS + 1000);
    await expect(never).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
