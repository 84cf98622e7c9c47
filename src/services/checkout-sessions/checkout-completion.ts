import { isLoopsError } from '../../loops/loops-error';
import { loopsLoggingTo } from '../../loops/loops-client';
import type { Logger } from '../../observability/logger';
import type { SessionRecord } from '../../store/session-record';
import { completionReportOfV3, type CompletionReport, type TypedCustomerDetails } from '../../translate/completion-report';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import type { TenantContext } from '../call-context';
import type { CustomerService } from '../customers/customer-service';
import type { LoopsStateDetails } from './apply-loops-state';
import type { CheckoutSubscriptions } from './checkout-subscriptions';

/** What a completed session shows beyond its state, gathered before the completion is written. */
export interface CompletionFacts {
  customerDetails: TypedCustomerDetails | null;
  /** The customer created for the session (session-record.ts `completion.customerToCreate`). */
  customer?: string;
  subscription?: string | null;
  invoice?: string | null;
  noPaymentRequired: boolean;
}

export interface CheckoutCompletionDeps {
  tenants: ReadonlyMap<string, TenantContext>;
  customers: Pick<CustomerService, 'createForCompletedCheckout'>;
  subscriptions: CheckoutSubscriptions;
  now: () => number;
}

/**
 * Gathers what completing an open session needs (docs/stripe-billing-contract.md §11, docs/loops-contract.md §8),
 * for session-sync.ts to write in the one compare-and-set that records `checkout.session.completed`:
 * 1. the customer details Loops' page collected and, in subscription mode, the subscription and
 *    whether anything was paid (a trial: `no_payment_required`), from the report that announced
 *    the completion; a report without them (a charge webhook, a V2 status read) is completed by
 *    one read of Loops' V3 session;
 * 2. where Stripe creates a customer (subscription mode without `customer`, `customer_creation:
 *    always`): the customer, with the id Loops was given at create, recorded with its
 *    `customer.created` before the session's event is (once however many paths complete it:
 *    the id is taken once, customer-store.ts);
 * 3. in subscription mode: the subscription's first invoice, from the subscription core
 *    (checkout-subscriptions.ts), whose own events are thereby recorded first as well.
 * Plain payment sessions need no call: they take what the report says. A Loops failure defers the
 * completion (a 502 here: a webhook is sent again, a retrieve retried, the sweep looks again).
 */
export function createCheckoutCompletion(deps: CheckoutCompletionDeps) {
  /** `logger` is the caller's (a request's, a task run's): its lines and the Loops read's retries name what it serves. */
  return async function completionFacts(record: SessionRecord, details: LoopsStateDetails, logger: Logger): Promise<CompletionFacts> {
    const session = record.session;
    const subscriptionMode = session.mode === 'subscription';
    const customerToCreate = customerToCreateOf(record);
    const tenant = deps.tenants.get(record.tenantId);
    let report: CompletionReport = details;
    if (!subscriptionMode && !customerToCreate) return factsOf(report);
    if (!tenant) throw new Error(`unknown tenant ${record.tenantId}`);
    try {
      if (report.customerDetails === undefined || (subscriptionMode && report.subscription === undefined)) {
        const read = completionReportOfV3(await loopsLoggingTo(tenant.loops, logger).getSessionV3(session.id));
        // What Loops' own session says fills what the report left out; after this read, unsaid is none.
        report = { customerDetails: null, subscription: null, ...definedOf(read), ...definedOf(report) };
      }
      const typed = report.customerDetails ?? null;
      const email = typed?.email ?? details.customerEmail ?? session.customer_email;
      if (customerToCreate) {
        await deps.customers.createForCompletedCheckout(
          record.tenantId,
          {
            id: customerToCreate,
            sessionId: session.id,
            email,
            name: typed?.name ?? null,
            livemode: session.livemode,
            nowMs: deps.now(),
          },
          logger,
        );
      }
      const customer = customerToCreate ?? session.customer;
      const subscription = subscriptionMode ? (report.subscription ?? null) : undefined;
      const link = {
        sessionId: session.id,
        customer,
        ...(record.completion?.stripeVersion ? { stripeVersion: record.completion.stripeVersion } : {}),
        ...(record.completion?.subscriptionDescription ? { description: record.completion.subscriptionDescription } : {}),
      };
      const invoice = subscription ? await deps.subscriptions.firstInvoiceId(tenant, subscription, link, logger) : null;
      if (subscriptionMode && !subscription) {
        logger.warn({ tenant: record.tenantId, session: session.id }, 'Loops completed a subscription checkout without naming its subscription');
      }
      return {
        ...factsOf(report),
        ...(customerToCreate ? { customer: customerToCreate } : {}),
        ...(subscription ? { subscription, invoice } : {}),
      };
    } catch (error) {
      if (!isLoopsError(error)) throw error;
      logger.warn({ tenant: record.tenantId, session: session.id, err: error.message }, 'completion deferred: Loops could not be read');
      throw loopsErrorToStripe(error);
    }
  };
}

export type CheckoutCompletion = ReturnType<typeof createCheckoutCompletion>;

const customerToCreateOf = (record: SessionRecord) => (record.session.customer === null ? record.completion?.customerToCreate : undefined);

/**
 * Whether completing the session takes more than the report (a Loops read, a customer, the first
 * invoice): subscription mode, or a customer to create. A plain payment session's facts come from
 * the report alone, whatever the moment the session was read at (session-sync.ts relies on it).
 */
export function completionGoesBeyondTheReport(record: SessionRecord): boolean {
  return record.session.mode === 'subscription' || customerToCreateOf(record) !== undefined;
}

function factsOf(report: CompletionReport): CompletionFacts {
  return { customerDetails: report.customerDetails ?? null, noPaymentRequired: report.noPaymentRequired ?? false };
}

/** The fields a report states (its `undefined`s left out, so a merge never unsays what another report said). */
function definedOf({ customerDetails, subscription, noPaymentRequired }: CompletionReport): CompletionReport {
  return {
    ...(customerDetails !== undefined ? { customerDetails } : {}),
    ...(subscription !== undefined ? { subscription } : {}),
    ...(noPaymentRequired !== undefined ? { noPaymentRequired } : {}),
  };
}
