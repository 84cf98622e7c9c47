import { z } from 'zod';
import { GatewayError } from '../../errors';
import type { ParamTreatment } from './create-session-compat';
import type { ParamBag, ParamValue } from './param-bag';
import { integer, metadata, optional, text } from './param-schemas';
import { rejectUnsupported } from './reject-unsupported';

/**
 * `subscription_data[…]` of `checkout.sessions.create` (docs/stripe-billing-contract.md §11,
 * docs/loops-contract.md §8.3). Loops takes a trial (`trial_period_days` or `trial_end`) and the
 * subscription's starting `metadata`; everything else would change what or when the customer pays
 * (anchors, prorations, taxes, fees) or names Stripe objects Loops lacks, so it is refused with the
 * reason. README.md and docs/compatibility.md are generated from this table (`npm run docs`).
 */
export const SUBSCRIPTION_DATA_PARAMS: Record<string, ParamTreatment> = {
  trial_period_days: {
    treatment: 'translated',
    note: 'sent to Loops (§8.3); 1–730 days, counted from the payment; needs LOOPS_TRIALS; not with `trial_end`. The completed session is `payment_status: no_payment_required`.',
  },
  trial_end: {
    treatment: 'translated',
    note: 'sent to Loops (§8.3); unix seconds, at least 48 hours and at most 730 days ahead (Stripe’s and Loops’ bounds); needs LOOPS_TRIALS; not with `trial_period_days`.',
  },
  metadata: {
    treatment: 'translated',
    note: "sent to Loops as the subscription's starting `metadata` (not the session's, as in Stripe); Stripe's limits and Loops' 5 KB are checked first.",
  },
  description: {
    treatment: 'stored',
    note: "kept with the session for the subscription it creates (Loops' create takes no description).",
  },
  application_fee_percent: { treatment: 'rejected', note: 'Connect fees do not exist on Loops.' },
  billing_cycle_anchor: {
    treatment: 'rejected',
    note: "Loops' periods start at the payment (or the trial's end); another anchor would change when the customer pays.",
  },
  billing_mode: {
    treatment: 'rejected',
    note: 'Loops has one way of billing; the subscription is rendered in the billing mode of the Stripe version.',
  },
  default_tax_rates: { treatment: 'rejected', note: 'tax rates change what the customer pays; Loops has none.' },
  invoice_settings: {
    treatment: 'rejected',
    note: 'Loops makes no invoices; the gateway derives them and sets no issuer, tax ids or custom fields.',
  },
  on_behalf_of: { treatment: 'rejected', note: 'Connect accounts do not exist on Loops.' },
  pending_invoice_item_interval: { treatment: 'rejected', note: 'Loops has no pending invoice items.' },
  proration_behavior: { treatment: 'rejected', note: 'Loops prorates nothing.' },
  transfer_data: { treatment: 'rejected', note: 'Connect transfers do not exist on Loops.' },
  trial_settings: {
    treatment: 'rejected',
    note: 'what happens at a trial end without a payment method is decided by Loops (its page always collects one).',
  },
};

const refused = optional(z.custom<ParamValue>());

export const subscriptionDataSchema = z
  .object({
    trial_period_days: optional(integer(1, 730)),
    trial_end: optional(integer(0)),
    metadata: optional(metadata()),
    description: optional(text(500)),
    ...Object.fromEntries(
      Object.entries(SUBSCRIPTION_DATA_PARAMS)
        .filter(([, t]) => t.treatment === 'rejected')
        .map(([name]) => [name, refused]),
    ),
  })
  .strict();

export type SubscriptionDataParams = z.output<typeof subscriptionDataSchema>;

/** Parameters Stripe accepts only outside subscription mode, with Stripe's own messages (§11). */
const NOT_IN_SUBSCRIPTION_MODE: Record<string, string> = {
  customer_creation: '`customer_creation` can only be used in `payment` mode.',
  invoice_creation: 'You can only use `invoice_creation` in `payment` mode. Invoices are created automatically when mode is set to `subscription`.',
  payment_intent_data: 'You can not pass `payment_intent_data` in `subscription` mode.',
};

/**
 * The create rules that depend on `mode` (docs/stripe-billing-contract.md §11), before the parameter
 * policy: in subscription mode Stripe refuses the payment-only parameters with its own messages
 * (which a merchant's logs and search results know), and `subscription_data` belongs to
 * subscription mode only. Refused `subscription_data[…]` fields are named with the reason.
 */
export function checkModeParams(bag: ParamBag, mode: string | undefined): void {
  const sent = (name: string) => bag[name] !== undefined && bag[name] !== '';
  if (mode === 'subscription') {
    const name = Object.keys(NOT_IN_SUBSCRIPTION_MODE).find(sent);
    if (name) throw new GatewayError('parameter_invalid', NOT_IN_SUBSCRIPTION_MODE[name] ?? '', name);
  } else if (sent('subscription_data')) {
    throw new GatewayError('parameter_invalid', '`subscription_data` can only be used in `subscription` mode.', 'subscription_data');
  }
  const data = bag.subscription_data;
  if (data !== undefined && typeof data === 'object' && !Array.isArray(data))
    rejectUnsupported(data, SUBSCRIPTION_DATA_PARAMS, ['subscription_data']);
}
