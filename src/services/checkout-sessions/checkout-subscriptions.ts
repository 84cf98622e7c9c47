import type { Logger } from '../../observability/logger';
import type { CallContext, TenantContext } from '../call-context';

type Rendered = Record<string, unknown>;

/**
 * What a subscription-mode checkout needs of the subscription core (services/subscriptions/; the
 * subscription store, its objects and events live there, not here; checkout-link.ts implements it). Two calls:
 * - `firstInvoiceId`, as the session completes and before its completion is recorded: the core
 *   brings the subscription in (its `customer.subscription.created` and `invoice.*` events thereby
 *   precede `checkout.session.completed`, docs/stripe-billing-contract.md §10.1 A) and names its first
 *   invoice, which the completed session shows in `invoice`;
 * - `forExpansion`, for `expand[]=subscription` on a session: the subscriptions, rendered in the
 *   request's version. Ids it does not answer get the session's reference stub.
 * Both may throw what Loops' failure made of a read (a LoopsError): the completion is then
 * deferred to the next report of it (a webhook retry, a retrieve, the sweep).
 */
export interface CheckoutSubscriptions {
  /** `logger`: the completing caller's (a request's, a task run's), for the sync's lines. */
  firstInvoiceId(tenant: TenantContext, subscriptionId: string, link: CheckoutLink, logger: Logger): Promise<string | null>;
  forExpansion(call: CallContext, ids: readonly string[]): Promise<ReadonlyMap<string, Rendered>>;
}

/** What the checkout tells the subscription core about the subscription it created. */
export interface CheckoutLink {
  sessionId: string;
  /** The customer the subscription belongs to (the session's, or the one created at completion). */
  customer: string | null;
  /** The `Stripe-Version` of the request that created the session (its billing mode follows it). */
  stripeVersion?: string;
  /** `subscription_data[description]`, which Loops does not take. */
  description?: string;
}
