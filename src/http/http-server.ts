import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config';
import { answerMalformedHttp, refuseConnection } from './malformed-http';

/** Longer than load balancers keep an idle connection (AWS ALB: 60 s), so they close it first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Node checks its request deadlines on a timer, every 30 s by default, which would let a stalled
 * client overstay HTTP_HEADERS_TIMEOUT_MS by that much.
 */
const DEADLINE_CHECK_INTERVAL_MS = 250;

/**
 * The app answers a stalled body itself (408 in Stripe's envelope, src/http/read-raw-body.ts);
 * Node's whole-request deadline, this much later, is the backstop for a body still arriving when
 * nothing reads it, and is then answered by answerMalformedHttp.
 */
const REQUEST_DEADLINE_SLACK_MS = 1_000;

/** How often idle connections are closed during a drain (a keep-alive client's answer just ended). */
const IDLE_SWEEP_MS = 100;

export interface HttpServer {
  server: Server;
  /**
   * Graceful close: stop accepting, close idle keep-alive connections at once (and each one that
   * goes idle later), let requests in flight finish (the app answers them `Connection: close`,
   * and a stalled body gets its 408 at the body deadline), refuse connections whose request
   * headers have not arrived within the header deadline, and after `drainMs` destroy whatever is
   * still open (`onForced` is told first).
   */
  drain(drainMs: number, onForced: () => void): Promise<void>;
}

/**
 * The gateway's HTTP server: every request must arrive within its deadlines, so no client holds a
 * socket open by sending slowly; what Node refuses is answered in Stripe's envelope. `main.ts`
 * listens on it; tests build theirs the same way.
 */
export function createHttpServer(listener: RequestListener, timeouts: Config['http']): HttpServer {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.headersTimeoutMs + timeouts.bodyTimeoutMs + REQUEST_DEADLINE_SLACK_MS,
      connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
    },
    listener,
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  answerMalformedHttp(server);

  // Node stops enforcing its header and request deadlines once close() is called, so the drain
  // enforces the header one itself and needs to know which connections have a request in the app.
  const open = new Set<Socket>();
  const inApp = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inApp.add(socket);
    res.once('close', () => inApp.delete(socket));
  });

  return {
    server,
    drain: (drainMs, onForced) =>
      new Promise((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        // A connection that has sent no complete request head by now had the deadline's full
        // length to do so (Node's own rule); its request never started, so nothing is cut short.
        const headersDue = setTimeout(() => {
          for (const socket of open) if (!inApp.has(socket)) refuseConnection(socket, 'ERR_HTTP_REQUEST_TIMEOUT');
        }, timeouts.headersTimeoutMs);
        const forced = setTimeout(() => {
          onForced();
          server.closeAllConnections();
        }, drainMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(headersDue);
          clearTimeout(forced);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
