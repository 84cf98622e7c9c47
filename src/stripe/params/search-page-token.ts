import { GatewayError } from '../../errors';

/**
 * `next_page` tokens of search results: an opaque string to the client, a position in the store's
 * scan to the gateway. The position is the store's own (an offset or an id); the token only wraps
 * it, so a client cannot tell one from the other and a tampered token is a clear 400, never a key.
 */
const PREFIX = 'page_';
const MAX_TOKEN_LENGTH = 400;

export function encodePageToken(position: string): string {
  return PREFIX + Buffer.from(position, 'utf8').toString('base64url');
}

/** The scan position a `page` parameter carries; a malformed one is refused as Stripe refuses it. */
export function decodePageToken(token: string): string {
  const body = token.startsWith(PREFIX) && token.length <= MAX_TOKEN_LENGTH ? token.slice(PREFIX.length) : '';
  const position = /^[A-Za-z0-9_-]+$/.test(body) ? Buffer.from(body, 'base64url').toString('utf8') : '';
  if (!position || encodePageToken(position) !== token) {
    throw new GatewayError('parameter_invalid', `Invalid page: ${token.slice(0, 100)} is not a page token this search returned.`, 'page');
  }
  return position;
}
