import { ApiError, badRequest } from './errors';
import type { EmulatorContext } from './context';
import { newId } from './ids';
import { MAX_AMOUNT_MINOR } from './money';
import type { LineItemRecord, Metadata, RecurringInterval, SessionMode, SessionRecord, SubscriptionData } from './state';

export interface SessionDraft {
  items: LineItemRecord[];
  /** V3 states the mode; V1/V2 leave it to the products (any recurring product → subscription). */
  mode?: SessionMode;
  productDescription?: string | null;
  paymentLinkId?: string | null;
  successUrl?: string | null;
  cancelUrl?: string | null;
  externalCustomerId?: string | null;
  customer?: string | null;
  customerEmail?: string | null;
  clientReferenceId?: string | null;
  metadata?: Metadata;
  paymentMethodTypes?: string[];
  expiresMs?: number;
  /** V3 `subscription_data` (§8.3); subscription mode only. */
  subscriptionData?: SubscriptionData | null;
}

const DEFAULT_PAYMENT_METHODS = ['card'];

/** Builds and stores a session; every check runs before anything is stored. */
export function createSession(context: EmulatorContext, draft: SessionDraft): SessionRecord {
  const currency = sharedCurrency(draft.items);
  const mode = checkedMode(draft.items, draft.mode);
  if (draft.subscriptionData && mode !== 'subscription') throw badRequest('subscription_data: only in mode "subscription"');
  const amount = checkedTotal(draft.items);
  const now = context.clock.nowMs();
  const session: SessionRecord = {
    id: newId('cs'),
    status: 'open',
    lineItems: draft.items,
    amount,
    currency,
    productName: draft.items.map((item) => item.productName).join(', '),
    productDescription: draft.productDescription ?? null,
    paymentLinkId: draft.paymentLinkId ?? null,
    mode,
    recurringInterval: mode === 'subscription' ? sharedInterval(draft.items) : null,
    paymentMethodTypes: draft.paymentMethodTypes ?? DEFAULT_PAYMENT_METHODS,
    successUrl: draft.successUrl ?? null,
    cancelUrl: draft.cancelUrl ?? null,
    externalCustomerId: draft.externalCustomerId ?? null,
    customer: draft.customer ?? null,
    customerEmail: draft.customerEmail ?? null,
    clientReferenceId: draft.clientReferenceId ?? null,
    metadata: { ...(draft.metadata ?? {}) },
    createdMs: now,
    updatedMs: now,
    // §2: one hour unless told otherwise. Whole seconds, so V3's `expires_at` is exact.
    expiresMs: wholeSecond(draft.expiresMs ?? now + context.config.sessionTtlSeconds * 1000),
    completedMs: null,
    paymentIntentId: null,
    chargeId: null,
    subscriptionId: null,
    subscriptionData: draft.subscriptionData ?? null,
    customerDetails: null,
  };
  context.state.sessions.set(session.id, session);
  context.stats.sessionsCreated += 1;
  return session;
}

export const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

export function checkedTotal(items: LineItemRecord[]): number {
  const total = items.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  if (total > MAX_AMOUNT_MINOR) throw badRequest(`the session total may be at most ${MAX_AMOUNT_MINOR} (minor units)`, 'invalid_amount');
  return total;
}

/** §3.2: all line items must be in one currency. */
function sharedCurrency(items: LineItemRecord[]): string {
  const currencies = new Set(items.map((item) => item.currency));
  const [first] = currencies;
  if (first === undefined) throw badRequest('a session needs at least one line item');
  if (currencies.size > 1) throw badRequest(`all line items must share one currency (got ${[...currencies].join(', ')})`, 'currency_mismatch');
  return first;
}

/**
 * §3.2 [chosen]: `subscription` needs recurring products only; `payment` refuses them. §8.1's
 * subscription has one product and quantity, so a subscription session has exactly one line item
 * [chosen].
 */
function checkedMode(items: LineItemRecord[], requested: SessionMode | undefined): SessionMode {
  const recurring = items.filter((item) => item.recurringInterval !== null).length;
  const mode = requested ?? (recurring > 0 ? 'subscription' : 'payment');
  if (mode === 'payment' && recurring > 0) {
    throw new ApiError(400, 'recurring_in_payment_mode', 'mode "payment" cannot sell recurring products; use mode "subscription"');
  }
  if (mode === 'subscription' && recurring < items.length) {
    throw new ApiError(400, 'one_time_in_subscription_mode', 'mode "subscription" needs every product to be recurring');
  }
  if (mode === 'subscription' && items.length > 1) {
    throw new ApiError(400, 'subscription_one_item', 'mode "subscription" takes exactly one line item (a subscription has one product)');
  }
  return mode;
}

function sharedInterval(items: LineItemRecord[]): RecurringInterval {
  const intervals = new Set(items.map((item) => item.recurringInterval));
  if (intervals.size > 1) throw badRequest('all recurring products of a session must share one interval', 'interval_mismatch');
  return items[0]?.recurringInterval ?? 'month';
}
