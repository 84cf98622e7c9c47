import { request, createServer, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoopsProxyOptions {
  /**
   * Remove `Idempotency-Key` from every request: Loops as it may really be (docs/loops-contract.md §7.7:
   * whether it honours the key is unknown). The emulator honours keys, so without this two racing
   * creates with one key give one product.
   */
  ignoreIdempotencyKey?: boolean;
  /** Hold every `GET /api/v3/products` listing this long before passing it on. */
  listingDelayMs?: number;
}

export interface LoopsProxy {
  url: string;
  /** Requests that carried an Idempotency-Key the proxy removed. */
  keysRemoved(): number;
  close(): Promise<void>;
}

/** A loopback HTTP proxy in front of the emulator, changing only what `options` says. */
export async function startLoopsProxy(target: string, options: LoopsProxyOptions): Promise<LoopsProxy> {
  const upstream = new URL(target);
  let removed = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      if (options.ignoreIdempotencyKey && headers['idempotency-key'] !== undefined) {
        delete headers['idempotency-key'];
        removed++;
      }
      if (options.listingDelayMs && req.method === 'GET' && (req.url ?? '').startsWith('/api/v3/products?')) {
        await sleep(options.listingDelayMs);
      }
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    keysRemoved: () => removed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
