import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** What Node's HTTP layer refuses before Koa sees a request, and how it is answered. */
function answerFor(code: string | undefined): { status: string; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: '431 Request Header Fields Too Large', message: 'Request headers too large.' };
    // headersTimeout / requestTimeout (src/http/http-server.ts): the client stalled.
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: '408 Request Timeout', message: 'Request timed out: the request did not arrive in full in time.' };
    default:
      return { status: '400 Bad Request', message: 'Invalid request: malformed HTTP.' };
  }
}

/**
 * How long an answered connection may linger half-closed: a client that reads the answer closes
 * its side at once, and a stalled one must not hold the socket (closing it at once instead could
 * reset the connection before a client that is still sending had read the answer).
 */
const LINGER_MS = 1_000;

/**
 * Requests Node's HTTP parser rejects (a broken request line, bad header bytes, oversized headers)
 * and requests that did not arrive in time never reach Koa. Answer them in Stripe's error envelope
 * too, instead of Node's bare status line, and close the connection.
 */
export function answerMalformedHttp(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => refuseConnection(socket, error.code));
}

/**
 * Answers a connection no request of which reached the app (`code`: Node's error code; a timeout
 * is `ERR_HTTP_REQUEST_TIMEOUT`) and closes it.
 */
export function refuseConnection(socket: Duplex & { _httpMessage?: { headersSent?: boolean } | null }, code: string | undefined): void {
  // An answer already started on this socket (the request timed out while the rest of its body
  // was being discarded after the response): another status line would corrupt it.
  if (!socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, message } = answerFor(code);
  const body = JSON.stringify({ error: { type: 'invalid_request_error', message } });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
