import { GatewayError } from '../errors';

/**
 * Runs one Redis round trip; any failure of it (connection lost, command timed out, cluster down)
 * becomes the catalogue's retryable 503, so a Redis outage reads to Stripe clients as "try again",
 * never as a crash. Only I/O goes in here: logic errors must keep their own meaning.
 * Multi-key writes use MULTI or Lua, so a failure never leaves half a write.
 */
export async function redisCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new GatewayError(
      'store_unavailable',
      'The gateway could not reach its data store. Nothing was changed; please retry.',
      undefined,
      {},
      error,
    );
  }
}
