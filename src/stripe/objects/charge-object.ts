export interface ChargeFacts {
  id: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
  livemode: boolean;
  metadata: Record<string, string>;
  paymentIntent: string | null;
  customer: string | null;
  email: string | null;
  description: string | null;
}

/**
 * Stripe's `charge` object (test/fixtures/charge.json) for `charge.succeeded` and
 * `charge.refunded`, from what Loops reports. Card details Loops does not expose are null.
 */
export function buildChargeObject(facts: ChargeFacts) {
  const refunded = facts.amountRefunded >= facts.amount && facts.amount > 0;
  return {
    id: facts.id,
    object: 'charge' as const,
    amount: facts.amount,
    amount_captured: facts.amount,
    amount_refunded: facts.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: facts.email,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: null,
    captured: true,
    created: facts.created,
    currency: facts.currency,
    customer: facts.customer,
    description: facts.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: facts.livemode,
    metadata: facts.metadata,
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: facts.paymentIntent,
    payment_method: null,
    payment_method_details: null,
    receipt_email: facts.email,
    receipt_number: null,
    receipt_url: null,
    refunded,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded' as const,
    transfer_data: null,
    transfer_group: null,
  };
}
