import type { LoopsContractSwitches } from '../../config';
import { isLoopsError } from '../../loops/loops-error';
import type { LoopsV3Subscription } from '../../loops/loops-schemas';
import { fromLoopsV3Amount } from '../../loops/v3-amounts';
import type { Logger } from '../../observability/logger';
import { stableId } from '../../stripe/ids';
import { buildReferenceStub } from '../../stripe/objects/reference-stubs';
import type { CallContext, TenantContext } from '../call-context';

type Rendered = Record<string, unknown>;

/**
 * What a subscription-mode checkout needs of the subscription core (issue 12; the subscription
 * store, its objects and events live there, not here). Two calls:
 * - `firstInvoiceId`, as the session completes and before its completion is recorded: the core
 *   brings the subscription in (its `customer.subscription.created` and `invoice.*` events thereby
 *   precede `checkout.session.completed`, stripe-billing-surface.md §10.1 A) and names its first
 *   invoice, which the completed session shows in `invoice`;
 * - `forExpansion`, for `expand[]=subscription` on a session: the subscriptions, rendered in the
 *   request's version. Ids it does not answer get the session's reference stub.
 * Both may throw what Loops' failure made of a read (a LoopsError): the completion is then
 * deferred to the next report of it (a webhook retry, a retrieve, the sweep).
 */
export interface CheckoutSubscriptions {
  firstInvoiceId(tenant: TenantContext, subscriptionId: string, link: CheckoutLink): Promise<string | null>;
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

/** Invoice ids are stable per (tenant, subscription, period start), so every path that sees a period names the same invoice. */
export interface FirstInvoice {
  idFor(tenantId: string, subscriptionId: string, periodStart: number): string;
}

/** The subscription core's derivation (`in_` + digest of tenant, subscription and period start). */
export const INVOICE_ID_PER_PERIOD: FirstInvoice = {
  idFor: (tenantId, subscriptionId, periodStart) => stableId('in', `${tenantId}\n${subscriptionId}\n${periodStart}`),
};

export interface LoopsCheckoutSubscriptionsDeps {
  contract: LoopsContractSwitches;
  logger: Logger;
  firstInvoice?: FirstInvoice;
}

/**
 * Until the subscription core is connected, a stand-in that reads Loops' subscription directly
 * (LOOPS_CONTRACT.subscriptions; with the switch off it reads nothing): the first invoice is the
 * one of the subscription's first period, which starts with its trial or, without one, with the
 * payment (loops-api.md §8.1); an expanded subscription shows what Loops' object says, every other
 * field null, as the session's other reference stubs do.
 */
export function createLoopsCheckoutSubscriptions(deps: LoopsCheckoutSubscriptionsDeps): CheckoutSubscriptions {
  const firstInvoice = deps.firstInvoice ?? INVOICE_ID_PER_PERIOD;

  async function read(tenant: TenantContext, id: string): Promise<LoopsV3Subscription | undefined> {
    try {
      return await tenant.loops.getSubscription(id);
    } catch (error) {
      if (isLoopsError(error) && error.failure.kind === 'http' && error.failure.status === 404) return undefined;
      throw error;
    }
  }

  return {
    async firstInvoiceId(tenant, subscriptionId) {
      if (!deps.contract.subscriptions) return null;
      const loops = await read(tenant, subscriptionId);
      if (!loops) {
        deps.logger.warn(
          { tenant: tenant.config.id, subscription: subscriptionId },
          'Loops does not know the subscription a completed checkout names',
        );
        return null;
      }
      return firstInvoice.idFor(tenant.config.id, loops.id, loops.trial_start ?? loops.current_period_start);
    },
    async forExpansion(call, ids) {
      const found = new Map<string, Rendered>();
      if (!deps.contract.subscriptions) return found;
      const subscriptions = await Promise.all([...new Set(ids)].map((id) => read(call.tenant, id)));
      for (const loops of subscriptions) if (loops) found.set(loops.id, subscriptionStub(loops));
      return found;
    },
  };
}

/** Loops' §8.1 object in the shape of Stripe's subscription, as far as it tells. */
function subscriptionStub(loops: LoopsV3Subscription): Rendered {
  const currency = loops.currency.toLowerCase();
  const stub = buildReferenceStub('subscription', loops.id, {
    livemode: loops.livemode,
    amountTotal: fromLoopsV3Amount(loops.amount, currency),
    currency,
    paid: false,
    customer: loops.externalCustomerId,
    email: loops.customer_email,
    paymentMethodTypes: [],
  });
  return {
    ...stub,
    status: loops.status,
    metadata: loops.metadata,
    cancel_at_period_end: loops.cancel_at_period_end,
    canceled_at: loops.canceled_at,
    ended_at: loops.ended_at,
    created: loops.created,
    start_date: loops.created,
    trial_start: loops.trial_start,
    trial_end: loops.trial_end,
  };
}
