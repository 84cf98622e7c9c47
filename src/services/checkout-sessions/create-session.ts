import { GatewayError } from '../../errors';
import { isLoopsError } from '../../loops/loops-error';
import type { Logger } from '../../observability/logger';
import { hostedUiMode } from '../../stripe/api-version';
import { parseSessionExpand } from '../../stripe/expand';
import { randomId } from '../../stripe/ids';
import { majorToMinor } from '../../stripe/money';
import { buildCheckoutSessionObject } from '../../stripe/objects/checkout-session-object';
import { buildLineItemObject } from '../../stripe/objects/line-item-object';
import { buildPriceObject } from '../../stripe/objects/price-object';
import { buildProductObject } from '../../stripe/objects/product-object';
import { parseCreateSessionParams, type CreateSessionParams } from '../../stripe/params/create-session-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import type { SessionRecord } from '../../store/session-record';
import type { SessionStore } from '../../store/session-store';
import { checkLineItems } from '../../translate/check-line-items';
import { loopsErrorToStripe } from '../../translate/loops-error-to-stripe';
import { planLoopsCheckout, type LoopsCheckoutPlan, type PlanChoices } from '../../translate/plan-loops-checkout';
import type { ResolvedLineItem } from '../../translate/resolved-line-item';
import type { CallContext } from '../call-context';
import type { ResolveLineItems } from '../line-item-resolver';
import { renderSession } from './render-session';

/** Stripe's `expires_at` window and default (stripe-surface.md §5.3). */
export const SESSION_EXPIRY = { minSeconds: 30 * 60, maxSeconds: 24 * 3600, defaultSeconds: 24 * 3600 } as const;

export interface CreateSessionDeps {
  resolveLineItems: ResolveLineItems;
  sessions: SessionStore;
  planChoices: PlanChoices;
  now: () => number;
  logger: Logger;
}

/** A created session as the merchant receives it, serialised, and whether its replay is stored. */
export interface CreatedSession {
  json: string;
  answerStored: boolean;
}

interface LoopsOutcome {
  id: string;
  url: string | null;
  /** Minor units, when Loops says. */
  amountTotal: number | null;
  expiresAt: number;
}

export function createCreateSession(deps: CreateSessionDeps) {
  return async function createSession(call: CallContext, bag: ParamBag): Promise<CreatedSession> {
    const params = parseCreateSessionParams(bag);
    const expansion = parseSessionExpand(params.expand, false);
    const mode = params.mode === 'subscription' ? 'subscription' : 'payment';
    const nowMs = call.startedAtMs;
    const expiresAt = checkExpiresAt(params.expires_at, Math.floor(nowMs / 1000));
    const items = await deps.resolveLineItems(call, params.line_items ?? []);
    const { currency, amountTotal } = checkLineItems(items, mode);
    const plan = planLoopsCheckout(items, commonFields(params, mode, expiresAt), deps.planChoices);
    const loops = await createInLoops(call, plan);
    await checkAmount(call, loops, amountTotal, currency, items);

    const record = buildRecord(call, params, items, loops, { mode, currency, amountTotal, nowMs });
    // Serialised once: these bytes are the answer, and the same bytes are kept for replay.
    const json = JSON.stringify(renderSession(record, expansion));
    const answer = call.idempotency ? { ...call.idempotency, response: { status: 200, body: json, requestId: call.requestId } } : undefined;
    await deps.sessions.insert(record, answer);
    deps.logger.info({ session: record.session.id, items: items.length, amountTotal, currency, loopsApi: plan.api }, 'checkout session created');
    return { json, answerStored: answer !== undefined };
  };

  /**
   * The Loops key derives from the operation key: a retry of the same Stripe request (same
   * Idempotency-Key and parameters) asks Loops for the same session, never a second one.
   */
  async function createInLoops(call: CallContext, plan: LoopsCheckoutPlan): Promise<LoopsOutcome> {
    // The operation key is already a digest (or random); the suffix names the Loops call it keys.
    const key = `${call.operationKey}-session`;
    try {
      if (plan.api === 'v3') {
        const session = await call.tenant.loops.createSessionV3(plan.body, key);
        return {
          id: session.id,
          url: session.url ?? null,
          amountTotal: session.amount_total ?? null,
          expiresAt: session.expires_at ?? plan.body.expires_at ?? 0,
        };
      }
      const created = await call.tenant.loops.createSessionV2(plan.body, key);
      // V2 create takes no expiry; Stripe's default is 24 h, Loops' 1 h, so set it explicitly.
      const session = await call.tenant.loops.updateSessionV2(created.id, { expiresAt: new Date(plan.expiresAt * 1000).toISOString() });
      const amount =
        session.amount !== null && session.amount !== undefined && session.currency ? majorToMinor(session.amount, session.currency) : null;
      return {
        id: session.id,
        url: session.url ?? null,
        amountTotal: amount,
        expiresAt: session.expiresAt ? Math.floor(Date.parse(session.expiresAt) / 1000) : plan.expiresAt,
      };
    } catch (error) {
      throw isLoopsError(error) ? loopsErrorToStripe(error) : error;
    }
  }

  /**
   * The merchant's session object states what the customer pays; if Loops would charge anything
   * else, the mapping is stale. The Loops session is expired at once so nobody pays the wrong amount.
   */
  async function checkAmount(call: CallContext, loops: LoopsOutcome, expected: number, currency: string, items: ResolvedLineItem[]) {
    if (loops.amountTotal === null || loops.amountTotal === expected) return;
    deps.logger.error(
      { session: loops.id, expected, loopsAmount: loops.amountTotal, currency, prices: items.map((i) => i.price.id) },
      'Loops amount differs from the mapping',
    );
    await call.tenant.loops
      .updateSessionV2(loops.id, { expiresAt: new Date(deps.now()).toISOString() })
      .catch((error: unknown) =>
        deps.logger.error({ session: loops.id, err: (error as Error).message }, 'could not expire the mismatched Loops session'),
      );
    throw new GatewayError(
      'mapping_stale',
      `Loops would charge ${loops.amountTotal} but the mapped prices total ${expected} (${currency}). The mapping is out of date; ` +
        'the operator should run `npm run mappings -- verify`.',
    );
  }
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

function commonFields(params: CreateSessionParams, mode: 'payment' | 'subscription', expiresAt: number) {
  return {
    mode,
    expiresAt,
    successUrl: params.success_url,
    cancelUrl: params.cancel_url,
    customer: params.customer,
    customerEmail: params.customer_email,
    clientReferenceId: params.client_reference_id,
    metadata: params.metadata,
    paymentMethodTypes: params.allowed_payment_method_types ?? params.payment_method_types,
  };
}

function buildRecord(
  call: CallContext,
  params: CreateSessionParams,
  items: ResolvedLineItem[],
  loops: LoopsOutcome,
  totals: { mode: 'payment' | 'subscription'; currency: string; amountTotal: number; nowMs: number },
): SessionRecord {
  const created = Math.floor(totals.nowMs / 1000);
  const session = buildCheckoutSessionObject({
    id: loops.id,
    livemode: call.livemode,
    created,
    expiresAt: loops.expiresAt,
    url: loops.url,
    mode: totals.mode,
    currency: totals.currency,
    amountSubtotal: totals.amountTotal,
    amountTotal: totals.amountTotal,
    uiMode: hostedUiMode(call.stripeVersion),
    params,
  });
  const lineItems = items.map((item) =>
    buildLineItemObject({
      id: randomId('li'),
      price: buildPriceObject({ ...item.price, created: item.price.created ?? created }, call.livemode),
      description: item.product.name,
      quantity: item.quantity,
      adjustableQuantity: item.adjustableQuantity,
      metadata: item.metadata,
    }),
  );
  const products = Object.fromEntries(
    items.map((item) => [item.product.id, buildProductObject({ ...item.product, created: item.product.created ?? created }, call.livemode)]),
  );
  return {
    version: 1,
    tenantId: call.tenant.config.id,
    createdMs: totals.nowMs,
    loopsApi: items.some((item) => item.target.kind === 'payment_link') ? 'v2' : 'v3',
    session,
    lineItems,
    products,
    createdBy: { requestId: call.requestId, idempotencyKey: call.idempotencyKey },
  };
}
