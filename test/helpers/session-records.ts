import type { SessionRecord } from '../../src/store/session-record';

/** A minimal stored session, for store and service tests that do not go through a create. */
export function sessionRecord(fields: {
  id: string;
  tenantId: string;
  createdMs: number;
  status?: 'open' | 'complete';
  expiresAt?: number;
}): SessionRecord {
  return {
    version: 1,
    tenantId: fields.tenantId,
    createdMs: fields.createdMs,
    loopsApi: 'v3',
    session: {
      id: fields.id,
      object: 'checkout.session',
      status: fields.status ?? 'open',
      payment_status: 'unpaid',
      created: Math.floor(fields.createdMs / 1000),
      expires_at: fields.expiresAt ?? 0,
      url: fields.status === 'complete' ? null : 'https://loops.example/checkout/x',
      livemode: false,
      metadata: {},
      customer: null,
      customer_email: null,
      customer_details: null,
      payment_intent: null,
      payment_link: null,
      subscription: null,
      currency: 'usd',
      amount_total: 100,
    },
    lineItems: [],
    products: {},
    createdBy: { requestId: null, idempotencyKey: null },
  };
}
