import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { GatewayError } from '../errors';

/** Far above any valid request or Loops event (100 line items with full product data is ~60 KB). */
export const BODY_LIMIT = '1mb';

/**
 * Sent with every answer to a body that could not be read: the rest of it (or the bytes that
 * framed it wrongly) is still on the connection, and reading or discarding it would keep the
 * socket busy for as long as the client likes. Node closes the socket once this answer is out.
 */
const CLOSE_CONNECTION = { Connection: 'close' };

/**
 * The body exactly as sent, whatever its content type (or none): signatures cover these bytes
 * (docs/loops-contract.md §5), and UTF-8 is checked on them rather than on text a decoder already repaired.
 * A declared length over the limit is refused before a byte is read.
 */
export function readRawBody(req: IncomingMessage, timeoutMs: number): Promise<Buffer> {
  return withinBodyDeadline(getRawBody(req, { length: declaredLength(req), limit: BODY_LIMIT }), timeoutMs);
}

/**
 * A body read (`read`) that must end within `timeoutMs`: a client that stalls, drips a byte at a
 * time or sends fewer bytes than its Content-Length gets a 408 and a closed connection instead of
 * holding a socket (and a graceful shutdown) open. Any failure is the catalogue's error.
 */
export async function withinBodyDeadline<T>(read: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new GatewayError(
            'body_timeout',
            `Request timed out: the body did not arrive in full within ${timeoutMs} ms. Nothing was changed; retrying is safe.`,
            undefined,
            CLOSE_CONNECTION,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    // The read goes on until the socket closes; its late result or error is dropped by the race.
    return await Promise.race([read, expired]);
  } catch (error) {
    throw bodyReadError(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Content-Length as a number (Node's parser has checked it is digits), or undefined (chunked). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** A body that could not be read (raw-body's or koa-body's failure, or the deadline), as the catalogue's error. */
function bodyReadError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if ((error as { status?: number }).status === 413)
    return new GatewayError('body_too_large', `Request body too large: the limit is ${BODY_LIMIT}.`, undefined, CLOSE_CONNECTION);
  return new GatewayError('malformed_body', 'Invalid request: the body could not be read.', undefined, CLOSE_CONNECTION);
}
