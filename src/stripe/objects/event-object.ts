export interface EventFacts {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  apiVersion: string;
  object: Record<string, unknown>;
  /** On `*.updated` events only: the old values of the fields that changed (previous-attributes.ts). */
  previousAttributes?: Record<string, unknown>;
  /** The merchant request behind it; null for automatic events (docs/stripe-checkout-contract.md §6.1). */
  request: { id: string | null; idempotency_key: string | null };
  pendingWebhooks: number;
}

/** Stripe's `event` object (docs/stripe-checkout-contract.md §6.1; test/fixtures/event.json). */
export function buildEventObject(facts: EventFacts) {
  return {
    id: facts.id,
    object: 'event' as const,
    api_version: facts.apiVersion,
    created: facts.created,
    data: facts.previousAttributes ? { object: facts.object, previous_attributes: facts.previousAttributes } : { object: facts.object },
    livemode: facts.livemode,
    pending_webhooks: facts.pendingWebhooks,
    request: facts.request,
    type: facts.type,
  };
}

export type StripeEvent = ReturnType<typeof buildEventObject>;
