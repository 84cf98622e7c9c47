/**
 * Every error the gateway can answer, in one place: HTTP status, Stripe error `type` and `code`.
 * stripe-node picks the exception class from the status alone (docs/stripe-checkout-contract.md §0.5, §3.2):
 * 400/404 → StripeInvalidRequestError (StripeIdempotencyError when type is idempotency_error),
 * 401 → StripeAuthenticationError, 429 → StripeRateLimitError, anything else → StripeAPIError.
 * It retries 409 and ≥ 500 with the same idempotency key, so those must be safe to repeat.
 * docs/errors.md lists this table; a unit test keeps the two in sync.
 */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface ErrorSpec {
  status: number;
  type: StripeErrorType;
  /** Stripe's `code`, from the SDK's code enum where one fits. */
  stripeCode?: string;
  /** `Stripe-Should-Retry`: set when the status alone would make the SDK do the wrong thing. */
  shouldRetry?: boolean;
  /** When the gateway answers it, for docs/errors.md. */
  when: string;
}

export const ERROR_CATALOGUE = {
  parameter_unknown: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'parameter_unknown',
    when: 'a parameter Stripe does not define for this endpoint',
  },
  // No `code`: the parameter is one Stripe knows, so `parameter_unknown` would send merchant code
  // that branches on it down the wrong path, and no `parameter_invalid_*` of the SDK's enum fits.
  parameter_unsupported: {
    status: 400,
    type: 'invalid_request_error',
    when: 'a Stripe parameter (or value) that Loops cannot honour (docs/compatibility.md says why)',
  },
  parameter_missing: { status: 400, type: 'invalid_request_error', stripeCode: 'parameter_missing', when: 'a required parameter is absent' },
  parameter_invalid_integer: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'parameter_invalid_integer',
    when: 'a value that must be an integer is not',
  },
  parameter_invalid_empty: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'parameter_invalid_empty',
    when: 'an empty value where one is required',
  },
  parameters_exclusive: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'parameters_exclusive',
    when: 'two parameters that cannot be combined',
  },
  parameter_invalid: { status: 400, type: 'invalid_request_error', when: 'a value of the wrong type, format, size or range' },
  url_invalid: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'url_invalid',
    when: 'success_url / cancel_url (or a product image) is not an absolute http(s) URL, or carries raw spaces or control characters',
  },
  email_invalid: { status: 400, type: 'invalid_request_error', stripeCode: 'email_invalid', when: 'customer_email is not an email address' },
  malformed_body: {
    status: 400,
    type: 'invalid_request_error',
    when: 'a body or query that cannot be decoded (bad JSON, bad percent-encoding, invalid UTF-8, too deep)',
  },
  api_version_invalid: {
    status: 400,
    type: 'invalid_request_error',
    when: 'a Stripe-Version header that is not YYYY-MM-DD, optionally followed by .name',
  },
  body_too_large: { status: 413, type: 'invalid_request_error', when: 'a request body over the size limit; the connection is closed' },
  // 408 is no status stripe-node branches on (StripeAPIError), and it retries only what it is told
  // to: nothing was read or changed, so a retry with the same idempotency key is safe.
  body_timeout: {
    status: 408,
    type: 'invalid_request_error',
    shouldRetry: true,
    when: 'a request body that did not arrive in full within HTTP_BODY_TIMEOUT_MS (stalled, or shorter than its Content-Length); the connection is closed',
  },
  resource_missing: {
    status: 404,
    type: 'invalid_request_error',
    stripeCode: 'resource_missing',
    when: 'an id in the URL that does not exist for this tenant',
  },
  param_resource_missing: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'resource_missing',
    when: 'an id in a parameter (a price, a cursor) that does not exist or is not mapped',
  },
  resource_already_exists: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'resource_already_exists',
    when: 'a caller-chosen id (`products.create` `id`, `product_data[id]`) that the tenant already uses',
  },
  catalog_limit: {
    status: 400,
    type: 'invalid_request_error',
    when: "a product or price create that would take the tenant's catalog past 10,000 of either (`CATALOG_LIMITS`)",
  },
  route_unknown: { status: 404, type: 'invalid_request_error', when: 'a /v1 path the gateway does not provide' },
  invalid_state: {
    status: 400,
    type: 'invalid_request_error',
    when: 'the object cannot make that change now (e.g. expiring a session that is not open)',
  },
  canceled_subscription_fields: {
    status: 400,
    type: 'invalid_request_error',
    stripeCode: 'invalid_canceled_subscription_fields',
    when: 'a change other than `metadata` or `cancellation_details` to a canceled subscription',
  },
  loops_contract_off: {
    status: 400,
    type: 'invalid_request_error',
    when: 'a call that needs a part of the Loops contract switched off in `src/loops/contract-choices.ts` (subscriptions, customer portal, trials: docs/loops-contract.md §8; expiring a session: §3.1)',
  },
  authentication_missing: { status: 401, type: 'invalid_request_error', when: 'no API key was sent' },
  authentication_invalid: { status: 401, type: 'invalid_request_error', when: 'the API key is not one the gateway knows' },
  idempotency_mismatch: { status: 400, type: 'idempotency_error', when: 'an Idempotency-Key reused with another endpoint or other parameters' },
  idempotency_key_in_use: {
    status: 409,
    type: 'invalid_request_error',
    stripeCode: 'idempotency_key_in_use',
    shouldRetry: true,
    when: 'an Idempotency-Key whose first request is still running',
  },
  // Stripe's own answer when another request holds the object (its SDKs retry it when told to).
  lock_timeout: {
    status: 429,
    type: 'invalid_request_error',
    stripeCode: 'lock_timeout',
    shouldRetry: true,
    when: 'another request kept updating the same checkout session longer than the wait allows; nothing was changed, retrying is safe',
  },
  rate_limit: {
    status: 429,
    type: 'invalid_request_error',
    stripeCode: 'rate_limit',
    when: 'too many requests for one API key, or Loops rate-limited the gateway',
  },
  loops_unavailable: {
    status: 502,
    type: 'api_error',
    when: 'Loops timed out, dropped the connection or answered 5xx; retrying with the same key is safe',
  },
  loops_outcome_unknown: {
    status: 504,
    type: 'api_error',
    shouldRetry: false,
    when: "a create Loops left unanswered (this attempt's, without an Idempotency-Key, or an earlier one's) while the gateway cannot tell whether Loops made the session: creating again could make a second one. The message says whether and when a retry with the same key helps; check Loops before using a new key",
  },
  loops_misconfigured: {
    status: 500,
    type: 'api_error',
    shouldRetry: false,
    when: "Loops rejected the gateway's own Loops API key: the operator must fix the configuration",
  },
  loops_invalid_response: { status: 502, type: 'api_error', when: 'Loops answered something the contract does not allow' },
  mapping_stale: {
    status: 500,
    type: 'api_error',
    shouldRetry: false,
    when: 'Loops charges a different amount than the mapping says: the session is expired at once and the operator must fix the mapping (`mappings verify`)',
  },
  store_unavailable: { status: 503, type: 'api_error', when: 'Redis is unreachable; nothing was changed, retrying is safe' },
  internal: { status: 500, type: 'api_error', when: 'an unexpected failure inside the gateway' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERROR_CATALOGUE;
