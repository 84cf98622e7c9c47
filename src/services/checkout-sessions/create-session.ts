import type { LoopsContractSwitches } from '../../config';
import { GatewayError } from '../../errors';
import { parseSessionExpand } from '../../stripe/expand';
import { stableId } from '../../stripe/ids';
import { renderCustomer } from '../../stripe/objects/customer-object';
import { parseCreateSessionParams, type ParsedCreateSessionParams } from '../../stripe/params/create-session-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import type { StoredCustomer } from '../../store/customer-record';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { checkLineItems } from '../../translate/check-line-items';
import { checkLoopsMetadata } from '../../translate/check-loops-metadata';
import { operationMarker, withOperationMarker } from '../../translate/operation-marker';
import { planLoopsCheckout, type PlanChoices } from '../../translate/plan-loops-checkout';
import { requireContract } from '../../translate/require-contract';
import type { ResolvedLineItem } from '../../translate/resolved-line-item';
import { loopsSubscriptionData } from '../../translate/subscription-data';
import type { CallContext } from '../call-context';
import type { CheckoutCustomers } from '../customers/customer-service';
import type { ResolveLineItems } from '../line-item-resolver';
import { buildSessionRecord } from './build-session-record';
import { createUnhonouredWarning } from './unhonoured-warning';
import { createInLoops, type CreateInLoopsDeps, type LoopsOutcome } from './create-in-loops';
import { expireInLoops } from './expire-in-loops';
import { renderSession } from './render-session';

/** Stripe's `expires_at` window and default (docs/stripe-checkout-contract.md §5.3). */
export const SESSION_EXPIRY = { minSeconds: 30 * 60, maxSeconds: 24 * 3600, defaultSeconds: 24 * 3600 } as const;

export interface CreateSessionDeps extends CreateInLoopsDeps {
  resolveLineItems: ResolveLineItems;
  sessions: SessionStore;
  customers: CheckoutCustomers;
  planChoices: PlanChoices;
  /** docs/loops-contract.md §8's switches: subscription mode needs `subscriptions`, a trial `trials`. */
  contract: LoopsContractSwitches;
  now: () => number;
}

/** A created session as the merchant receives it, serialised (its replay is stored through `call.operation`). */
export interface CreatedSession {
  json: string;
}

export function createCreateSession(deps: CreateSessionDeps) {
  const warnUnhonoured = createUnhonouredWarning();
  return async function createSession(call: CallContext, bag: ParamBag): Promise<CreatedSession> {
    const params = parseCreateSessionParams(bag, call.stripeVersion, { strict: call.tenant.config.strictParams });
    warnUnhonoured(call.tenant.config.id, bag, call.logger);
    checkLoopsMetadata(params.metadata);
    const expansion = parseSessionExpand(params.expand, false);
    const mode = params.mode === 'subscription' ? 'subscription' : 'payment';
    if (mode === 'subscription') requireContract(deps.contract, 'subscriptions', 'A `subscription` mode Checkout Session', 'mode');
    const nowMs = call.operation.startedAtMs;
    const expiresAt = checkExpiresAt(params.expires_at, Math.floor(nowMs / 1000));
    const subscriptionData = loopsSubscriptionData(params.subscription_data, Math.floor(nowMs / 1000), deps.contract);
    const completion = completionOf(call, params, mode);
    // The customer is checked before any Loops product is made (price_data): a refused create makes nothing.
    const customer = params.customer === undefined ? undefined : await deps.customers.forCheckout(call, params.customer);
    // The rules across items run before any Loops product is made: a refused request makes nothing.
    const {
      items,
      checked: { currency, amountTotal },
    } = await deps.resolveLineItems(call, params.line_items, (described) => checkLineItems(described, mode));
    const marker = operationMarker(call.operation.key);
    const common = commonFields(params, mode, expiresAt, marker, customer);
    const plan = planLoopsCheckout(
      items,
      { ...common, externalCustomerId: completion?.customerToCreate ?? common.customer, ...(subscriptionData ? { subscriptionData } : {}) },
      deps.planChoices,
    );
    const loops = await createInLoops(call, plan, marker, deps);
    await checkAmount(call, loops, amountTotal, currency, items);

    const record = buildSessionRecord(call, params, items, loops, { mode, currency, amountTotal, nowMs }, completion);
    // Serialised once: these bytes are the answer, and the same bytes are kept for replay.
    const expanded = customer && { customer: new Map([[customer.id, renderCustomer(customer, call.stripeVersion)]]) };
    const json = JSON.stringify(renderSession(record, expansion, call.stripeVersion, expanded));
    const answer = call.operation.answerToStore(json);
    await deps.sessions.insert(record, answer);
    call.logger.info({ session: record.session.id, items: items.length, amountTotal, currency, loopsApi: plan.api }, 'checkout session created');
    if (answer) call.operation.answerStored();
    return { json };
  };

  /**
   * The merchant's session object states what the customer pays; if Loops would charge anything
   * else, the mapping is stale. The Loops session is expired at once so nobody pays the wrong amount.
   */
  async function checkAmount(call: CallContext, loops: LoopsOutcome, expected: number, currency: string, items: ResolvedLineItem[]) {
    if (loops.amountTotal === null || loops.amountTotal === expected) return;
    call.logger.error(
      { session: loops.id, expected, loopsAmount: loops.amountTotal, currency, prices: items.map((i) => i.price.id) },
      'Loops amount differs from the mapping',
    );
    await expireInLoops(call.tenant, loops.id, deps.now()).catch((error: unknown) =>
      call.logger.error({ session: loops.id, err: (error as Error).message }, 'could not expire the mismatched Loops session'),
    );
    throw new GatewayError(
      'mapping_stale',
      `Loops would charge ${loops.amountTotal} but the mapped prices total ${expected} (${currency}). The mapping is out of date; ` +
        'the operator should run `npm run mappings -- verify`.',
    );
  }
}

/**
 * What the session's completion will need (session-record.ts `completion`). Where Stripe creates a
 * customer at completion (subscription mode without `customer`; `customer_creation: always`,
 * docs/stripe-billing-contract.md §11), its id is picked now, derived from the operation (so a retried
 * create picks the same one, and finds its earlier Loops session by it), and sent to Loops as
 * `externalCustomerId`: Loops' subscription and portal then belong to the customer the gateway
 * creates once the session completes. The session's `customer` stays null until then, as in Stripe.
 */
function completionOf(call: CallContext, params: ParsedCreateSessionParams, mode: 'payment' | 'subscription'): SessionRecord['completion'] {
  const createsCustomer = params.customer === undefined && (mode === 'subscription' || params.customer_creation === 'always');
  const description = params.subscription_data?.description;
  if (!createsCustomer && mode !== 'subscription') return undefined;
  return {
    ...(createsCustomer ? { customerToCreate: stableId('cus', `${call.tenant.config.id}\ncheckout-customer\n${call.operation.key}`) } : {}),
    ...(mode === 'subscription' ? { stripeVersion: call.stripeVersion } : {}),
    ...(description !== undefined ? { subscriptionDescription: description } : {}),
  };
}

function checkExpiresAt(requested: number | undefined, nowSeconds: number): number {
  if (requested === undefined) return nowSeconds + SESSION_EXPIRY.defaultSeconds;
  if (requested < nowSeconds + SESSION_EXPIRY.minSeconds || requested > nowSeconds + SESSION_EXPIRY.maxSeconds) {
    throw new GatewayError(
      'parameter_invalid',
      'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
      'expires_at',
    );
  }
  return requested;
}

/**
 * What every Loops create carries. With `customer`, the customer's email goes to Loops as V3
 * `customer_email` (docs/loops-contract.md §3.2), so its page is prefilled, beside `externalCustomerId`; the
 * session object itself keeps Stripe's echo of the parameters (`customer_email` null: Stripe refuses
 * it together with `customer`).
 */
function commonFields(
  params: ParsedCreateSessionParams,
  mode: 'payment' | 'subscription',
  expiresAt: number,
  marker: string,
  customer: StoredCustomer | undefined,
) {
  return {
    mode,
    expiresAt,
    successUrl: params.success_url,
    cancelUrl: params.cancel_url,
    customer: params.customer,
    customerEmail: params.customer_email ?? customer?.email ?? undefined,
    clientReferenceId: params.client_reference_id,
    metadata: withOperationMarker(params.metadata, marker),
    paymentMethodTypes: params.allowed_payment_method_types ?? params.payment_method_types,
  };
}
