import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { GatewayError } from '../errors';

/** Far above any valid request or Loops event (100 line items with full product data is ~60 KB). */
export const BODY_LIMIT = '1mb';

/**
 * The body exactly as sent, whatever its content type (or none): signatures cover these bytes
 * (loops-api.md §5), and UTF-8 is checked on them rather than on text a decoder already repaired.
 */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit: BODY_LIMIT });
  } catch (error) {
    throw bodyReadError(error);
  }
}

/** A body that could not be read (raw-body's or koa-body's failure), as the catalogue's error. */
export function bodyReadError(error: unknown): GatewayError {
  if ((error as { status?: number }).status === 413) return new GatewayError('body_too_large', `Request body too large: the limit is ${BODY_LIMIT}.`);
  return new GatewayError('malformed_body', 'Invalid request: the body could not be read.');
}
