import { isEmptyList, type ParamTreatment } from './create-session-compat';
import type { ParamValue } from './param-bag';

const isZero = (value: ParamValue) => value === '0';

/**
 * How the gateway treats every `POST /v1/customers` and `POST /v1/customers/:id` parameter of
 * stripe-node 23.1.0 (docs/stripe-billing-contract.md §3). Loops has no customer object (docs/loops-contract.md §8):
 * the directory is the gateway's own, so what describes the customer is stored and echoed. What
 * would change what the customer pays (a balance, discounts, tax) or needs an object Loops keeps
 * (payment methods, sources) is refused, naming the parameter. docs/compatibility.md is generated
 * from this table (`npm run docs`) and a unit test keeps the two in sync.
 */
export const CUSTOMER_PARAMS: Record<string, ParamTreatment> = {
  email: {
    treatment: 'translated',
    note: 'stored (≤ 512 characters); when the customer is given to `checkout.sessions.create`, sent to Loops as `customer_email` so its page is prefilled. `list` filters on it exactly, `search` case-insensitively.',
  },
  name: { treatment: 'stored', note: 'stored and echoed (≤ 256 characters); searchable.' },
  phone: { treatment: 'stored', note: 'stored and echoed (≤ 20 characters); searchable.' },
  description: { treatment: 'stored', note: 'stored and echoed.' },
  metadata: {
    treatment: 'stored',
    note: "stored and echoed; searchable as `metadata['key']`. On update `metadata[k]=` removes a key and `metadata=` all.",
  },
  address: { treatment: 'stored', note: 'stored and echoed; on update the given fields change, `address=` clears it.' },
  shipping: { treatment: 'stored', note: '`name`, `address`, `phone`; stored and echoed; `shipping=` clears it on update.' },
  preferred_locales: { treatment: 'stored', note: 'stored and echoed.' },
  invoice_settings: {
    treatment: 'stored',
    note: '`custom_fields`, `footer`, `rendering_options` are stored and echoed; `default_payment_method` is refused: payment methods live in Loops.',
  },
  invoice_prefix: { treatment: 'stored', note: '1–12 upper-case letters or digits; stored and echoed (a default is derived from the id).' },
  next_invoice_sequence: { treatment: 'stored', note: 'stored and echoed.' },
  tax_exempt: { treatment: 'stored', note: 'stored and echoed; the gateway calculates no tax either way.' },
  business_name: { treatment: 'stored', note: 'from `2025-09-30.clover` on (an unknown parameter before); stored and echoed.' },
  individual_name: { treatment: 'stored', note: 'from `2025-09-30.clover` on (an unknown parameter before); stored and echoed.' },
  expand: {
    treatment: 'applied',
    note: '`sources` and `tax_ids` (empty lists: the gateway holds neither); `default_source`, `invoice_settings.default_payment_method` and `test_clock` stay null; `subscriptions`, `cash_balance`, `invoice_credit_balance` and `tax` are refused.',
  },
  validate: { treatment: 'applied', note: 'accepted; it only concerns `source`, which is refused.' },
  balance: {
    treatment: 'rejected',
    accepts: isZero,
    note: '`0` is accepted; a credit or debt carried to the next invoice would change what the customer pays, and Loops has no customer balance.',
  },
  coupon: {
    treatment: 'rejected',
    note: 'before `2025-03-31.basil` only (unknown from then on, as in Stripe); discounts change what the customer pays.',
  },
  promotion_code: {
    treatment: 'rejected',
    note: 'before `2025-03-31.basil` only (unknown from then on, as in Stripe); discounts change what the customer pays.',
  },
  cash_balance: { treatment: 'rejected', note: 'Loops has no customer cash balance.' },
  tax: { treatment: 'rejected', note: 'the gateway calculates no tax (Loops has none).' },
  tax_id_data: { treatment: 'rejected', accepts: isEmptyList, note: '(create) tax ids are not kept; an empty list is accepted.' },
  payment_method: { treatment: 'rejected', note: '(create) payment methods live in Loops.' },
  source: { treatment: 'rejected', note: 'the legacy Sources API does not exist on Loops.' },
  default_source: { treatment: 'rejected', note: '(update) the legacy Sources API does not exist on Loops.' },
  test_clock: { treatment: 'rejected', note: '(create) test clocks do not exist on Loops.' },
};
