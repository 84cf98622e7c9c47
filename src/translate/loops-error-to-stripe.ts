import { GatewayError } from '../errors';
import type { LoopsError } from '../loops/loops-error';

/**
 * Loops failures as Stripe errors (docs/errors.md; docs/loops-contract.md §1): Loops 4xx → 400/404 with
 * Loops' own message; timeouts, network errors and 5xx → a retryable `api_error`; a rejected
 * Loops key is the operator's misconfiguration and says so.
 */
export function loopsErrorToStripe(error: LoopsError, param?: string): GatewayError {
  const { failure } = error;
  switch (failure.kind) {
    case 'timeout':
      return new GatewayError('loops_unavailable', 'Loops did not answer in time. Nothing was lost: retrying with the same Idempotency-Key is safe.');
    case 'network':
      return new GatewayError('loops_unavailable', `Loops could not be reached (${failure.code}). Retrying with the same Idempotency-Key is safe.`);
    case 'invalid_response':
      return new GatewayError('loops_invalid_response', 'Loops answered with a response the gateway could not understand.');
    case 'http':
      break;
  }
  const message = `Loops: ${failure.message}`;
  if (failure.status === 401 || failure.status === 403) {
    return new GatewayError(
      'loops_misconfigured',
      "Loops rejected the gateway's Loops API key. This is a gateway configuration problem (LOOPS_API_KEY), not a problem with your request.",
    );
  }
  if (failure.status === 404) return new GatewayError(param ? 'param_resource_missing' : 'resource_missing', message, param);
  if (failure.status === 429) return new GatewayError('rate_limit', `Loops is rate-limiting requests: ${failure.message}`);
  if (failure.status >= 500)
    return new GatewayError('loops_unavailable', `Loops failed (HTTP ${failure.status}). Retrying with the same Idempotency-Key is safe.`);
  return new GatewayError('parameter_invalid', message, param);
}
