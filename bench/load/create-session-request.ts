import { randomUUID } from 'node:crypto';

/** One `POST /v1/checkout/sessions` as stripe-node sends it: form-encoded, bearer key, idempotency key. */
export interface CreateSessionRequest {
  method: 'POST';
  path: string;
  /** Every header except `Idempotency-Key` (fresh per request) and `Content-Length` (the load tools add it). */
  headers: Record<string, string>;
  body: string;
}

export function createSessionRequest(apiKey: string, stripePriceId: string): CreateSessionRequest {
  const body = new URLSearchParams({
    mode: 'payment',
    'line_items[0][price]': stripePriceId,
    'line_items[0][quantity]': '1',
    success_url: 'https://example.com/success?session_id={CHECKOUT_SESSION_ID}',
  }).toString();
  return {
    method: 'POST',
    path: '/v1/checkout/sessions',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/x-www-form-urlencoded',
      // stripe-node 23's pinned version, as an unconfigured client sends it.
      'stripe-version': '2026-10-28.endive',
    },
    body,
  };
}

/** stripe-node's own format (RequestSender `_defaultIdempotencyKey`): a fresh key per logical request. */
export function freshIdempotencyKey(): string {
  return `stripe-node-retry-${randomUUID()}`;
}
