import { ERROR_CATALOGUE } from './catalogue';
import type { GatewayError } from './gateway-error';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: { error: Record<string, string> };
}

/**
 * Stripe's error envelope (docs/stripe-checkout-contract.md §3.2). Only the fields with a value are sent; the SDK
 * copies `type`, `code`, `param` and `message` onto the exception it raises.
 */
export function renderError(error: GatewayError): RenderedError {
  const spec = ERROR_CATALOGUE[error.errorName];
  const body: Record<string, string> = { type: spec.type, message: error.message };
  if ('stripeCode' in spec) body.code = spec.stripeCode;
  if (error.param) body.param = error.param;
  const headers: Record<string, string> = { ...error.headers };
  if ('shouldRetry' in spec) headers['Stripe-Should-Retry'] = String(spec.shouldRetry);
  return { status: spec.status, headers, body: { error: body } };
}
