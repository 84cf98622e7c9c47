import type { IndexTerm } from './list-scan';
import type { StoredSessionObject } from './session-record';

/**
 * The list indexes of checkout sessions, one per filter of `GET /v1/checkout/sessions`
 * (docs/stripe-checkout-contract.md §5.5) that has a value to index; `created` is every index's score. The email
 * index holds the address lower-cased, as the filter compares it.
 */
export const sessionTerm = {
  status: (value: string): IndexTerm => ({ field: 'status', value }),
  customer: (value: string): IndexTerm => ({ field: 'customer', value }),
  email: (value: string): IndexTerm => ({ field: 'email', value: value.toLowerCase() }),
  paymentLink: (value: string): IndexTerm => ({ field: 'payment_link', value }),
  paymentIntent: (value: string): IndexTerm => ({ field: 'payment_intent', value }),
  subscription: (value: string): IndexTerm => ({ field: 'subscription', value }),
};

/** The indexes a session is listed in, as it is now. A change of status, customer or email moves it. */
export function sessionTerms(session: StoredSessionObject): IndexTerm[] {
  const email = session.customer_details?.email ?? session.customer_email;
  return [
    sessionTerm.status(session.status),
    ...(session.customer ? [sessionTerm.customer(session.customer)] : []),
    ...(email ? [sessionTerm.email(email)] : []),
    ...(session.payment_link ? [sessionTerm.paymentLink(session.payment_link)] : []),
    ...(session.payment_intent ? [sessionTerm.paymentIntent(session.payment_intent)] : []),
    ...(session.subscription ? [sessionTerm.subscription(session.subscription)] : []),
  ];
}
