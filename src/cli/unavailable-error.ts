import { isGatewayError } from '../errors';
import { isLoopsError } from '../loops/loops-error';

/**
 * Loops or Redis out of reach is not a finding about the mappings (exit 1), nor a bug worth a
 * stack trace: one line and exit 3, as `map` uses for stopping early.
 */
export const EXIT_UNAVAILABLE = 3;

/**
 * The one line to print when `error` means a service was out of reach; undefined otherwise. Every
 * Redis store call fails as `store_unavailable` (store/store-unavailable.ts), whichever command made it.
 */
export function unavailableLine(error: unknown): string | undefined {
  if (isGatewayError(error) && error.errorName === 'store_unavailable') {
    return `Could not reach Redis: ${error.cause instanceof Error ? error.cause.message : error.message}`;
  }
  if (!isLoopsError(error)) return undefined;
  const auth = error.failure.kind === 'http' && (error.failure.status === 401 || error.failure.status === 403);
  return `Could not ${auth ? 'use' : 'reach'} Loops: ${error.message}${auth ? ' (check LOOPS_API_KEY and LOOPS_API_BASE for this tenant)' : ''}`;
}
