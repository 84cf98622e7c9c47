import { GatewayError } from '../errors';

/**
 * Runs a Redis operation; a connection failure becomes the catalogue's retryable 503, so a
 * Redis outage reads to Stripe clients as "try again", never as a crash. Nothing is half-written:
 * multi-key writes use MULTI or Lua.
 */
export async function guardStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError('store_unavailable', 'The gateway could not reach its data store. Nothing was changed; please retry.');
  }
}
