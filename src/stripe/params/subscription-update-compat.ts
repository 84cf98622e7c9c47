import type { ParamTreatment } from './create-session-compat';
import { isParamBag, type ParamValue } from './param-bag';

/**
 * How the gateway treats every `POST /v1/subscriptions/:id` parameter of stripe-node 23.1.0
 * (docs/stripe-billing-contract.md §6.2). Loops' PUT takes `cancel_at_period_end`, `metadata` and
 * `quantity` (docs/loops-contract.md §8.2) and nothing else: everything that would change the price, the
 * billing cycle, the payment or the invoices is refused with a 400 naming it, never dropped.
 * docs/compatibility.md is generated from this table (`npm run docs`); a unit test keeps the
 * update schema's parameters and this table the same.
 */
const isEmpty = (value: ParamValue) => value === '' || (Array.isArray(value) && value.length === 0);
const disabled = (value: ParamValue) => isParamBag(value) && value.enabled === 'false';
const unchangedAnchor = (value: ParamValue) => value === 'unchanged' || (isParamBag(value) && value.type === 'unchanged');

const rejected = (note: string, accepts?: (value: ParamValue) => boolean): ParamTreatment => ({
  treatment: 'rejected',
  note,
  accepts: (value) => isEmpty(value) || (accepts?.(value) ?? false),
});

export const UPDATE_SUBSCRIPTION_PARAMS: Record<string, ParamTreatment> = {
  cancel_at_period_end: {
    treatment: 'translated',
    note: 'sent to Loops as `cancel_at_period_end`; shows as `cancel_at_period_end: true` with `cancel_at` = the period end.',
  },
  cancel_at: {
    treatment: 'translated',
    note: 'only the current period end (a timestamp, `max_period_end` or `min_period_end`; Loops ends subscriptions at a period end), sent as `cancel_at_period_end: true`; empty clears it. Any other time is refused.',
  },
  cancellation_details: {
    treatment: 'stored',
    note: '`comment` and `feedback` are kept by the gateway (Loops has neither); allowed once canceled too.',
  },
  metadata: {
    treatment: 'translated',
    note: 'merged as Stripe merges it and sent to Loops (which replaces the set; Loops limits: 50 keys, 5 KB); once canceled, kept by the gateway only.',
  },
  items: {
    treatment: 'translated',
    note: 'only `items[0][quantity]` (with `items[0][id]` the subscription’s item, or no id): sent to Loops as `quantity`, charged from the next renewal without proration. Another `price`, `price_data`, `plan`, a new or `deleted` item, `discounts`, `tax_rates` and `billing_thresholds` are refused.',
  },
  proration_behavior: rejected('Loops does not prorate: only `none` (what Loops does) is accepted.', (value) => value === 'none'),
  proration_date: rejected('Loops does not prorate.'),
  off_session: { treatment: 'stored', note: 'accepted; nothing is charged by an update (Loops charges a new quantity at the next renewal).' },
  payment_behavior: { treatment: 'stored', note: 'accepted; nothing is charged by an update, so there is no payment for it to govern.' },
  expand: {
    treatment: 'applied',
    note: '`customer`, `latest_invoice`, `items.data.price.product` (and ids Loops has none of, which stay null): see the retrieve row.',
  },
  billing_cycle_anchor: rejected('Loops renews on its own cycle; `unchanged` is accepted.', unchangedAnchor),
  pause_collection: rejected('Loops cannot pause a subscription; an empty value (resume) is accepted.'),
  trial_end: rejected('Loops cannot change a trial after checkout.'),
  trial_from_plan: rejected('Loops cannot change a trial after checkout.', (value) => value === 'false'),
  trial_settings: rejected('Loops has no trial settings.'),
  add_invoice_items: rejected('Loops invoices nothing but the subscription’s own renewals.'),
  application_fee_percent: rejected('Loops has no Connect fees.'),
  automatic_tax: rejected('Loops calculates no tax; `enabled=false` is accepted.', disabled),
  billing_schedules: rejected('Loops has no billing schedules.'),
  billing_thresholds: rejected('Loops has no usage thresholds.'),
  collection_method: rejected('Loops always charges automatically; `charge_automatically` is accepted.', (value) => value === 'charge_automatically'),
  days_until_due: rejected('Loops always charges automatically.'),
  default_payment_method: rejected('the payment method is the one the customer gave Loops’ checkout; they change it in the customer portal.'),
  default_source: rejected('Loops has no sources.'),
  default_tax_rates: rejected('Loops calculates no tax.'),
  description: rejected('Loops subscriptions have no description.'),
  discounts: rejected('discounts change what the customer pays; Loops has none.'),
  invoice_settings: rejected('Loops makes no invoice documents.'),
  on_behalf_of: rejected('Loops has no Connect accounts.'),
  payment_settings: rejected('Loops chooses the payment method types.'),
  pending_invoice_item_interval: rejected('Loops invoices nothing but renewals.'),
  transfer_data: rejected('Loops has no Connect transfers.'),
};
