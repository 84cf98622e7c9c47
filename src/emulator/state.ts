/**
 * In-memory records. One session record serves every API version; `render/` turns it into the
 * V1/V2 or V3 shape (ids are shared across versions, docs/loops-contract.md §3.2 [chosen]). Amounts are
 * integer minor units, currencies upper case, times epoch milliseconds of the emulator clock.
 */
export type SessionStatus = 'open' | 'completed' | 'expired' | 'failed';
export type SessionMode = 'payment' | 'subscription';
export type RecurringInterval = 'month' | 'year';
export type AmountType = 'FIXED' | 'CUSTOM' | 'FREE';
export type ProductStatus = 'ACTIVE' | 'INACTIVE' | 'DRAFT';
export type Metadata = Record<string, string>;

export interface ProductRecord {
  id: string;
  defaultPriceId: string;
  name: string;
  description: string | null;
  active: boolean;
  images: string[];
  metadata: Metadata;
  amountType: AmountType;
  priceAmount: number | null;
  priceCurrency: string;
  recurringInterval: RecurringInterval | null;
  minimumAmount: number | null;
  presetAmount: number | null;
  statementDescriptor: string | null;
  taxCode: string | null;
  unitLabel: string | null;
  url: string | null;
  thumbnailUrl: string | null;
  createdMs: number;
  updatedMs: number;
}

export interface AdjustableQuantity {
  enabled: boolean;
  minimum: number | null;
  maximum: number | null;
}

export interface LineItemRecord {
  productId: string;
  priceId: string;
  productName: string;
  quantity: number;
  unitAmount: number;
  currency: string;
  recurringInterval: RecurringInterval | null;
  adjustableQuantity: AdjustableQuantity | null;
}

export interface SessionRecord {
  id: string;
  status: SessionStatus;
  lineItems: LineItemRecord[];
  amount: number;
  currency: string;
  productName: string;
  productDescription: string | null;
  paymentLinkId: string | null;
  mode: SessionMode;
  recurringInterval: RecurringInterval | null;
  paymentMethodTypes: string[];
  successUrl: string | null;
  cancelUrl: string | null;
  externalCustomerId: string | null;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Metadata;
  createdMs: number;
  updatedMs: number;
  expiresMs: number;
  completedMs: number | null;
  paymentIntentId: string | null;
  chargeId: string | null;
  subscriptionId: string | null;
  /** V3 `subscription_data` (docs/loops-contract.md §8.3); null unless given in subscription mode. */
  subscriptionData: SubscriptionData | null;
  /** What the customer typed on the hosted page (§8 [chosen]); null until completed. */
  customerDetails: CustomerDetails | null;
}

/** A trial is either a number of days from the payment or a fixed end (never both, §8.3). */
export interface SubscriptionData {
  trialPeriodDays: number | null;
  trialEndMs: number | null;
  metadata: Metadata;
}

/** §8.3: a subscription checkout with `trial_period_days` or `trial_end` charges nothing at checkout. */
export function isTrial(session: SessionRecord): boolean {
  const data = session.subscriptionData;
  return session.mode === 'subscription' && data !== null && (data.trialPeriodDays !== null || data.trialEndMs !== null);
}

export interface CustomerDetails {
  email: string | null;
  name: string | null;
}

export type ChargeStatus = 'succeeded' | 'failed';

export interface ChargeRecord {
  id: string;
  /** The checkout that took the payment; null for a subscription's renewal charges (§8.4). */
  sessionId: string | null;
  subscriptionId: string | null;
  paymentIntentId: string;
  status: ChargeStatus;
  failureMessage: string | null;
  amount: number;
  amountRefunded: number;
  currency: string;
  customerEmail: string | null;
  metadata: Metadata;
  createdMs: number;
}

export type SubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'canceled';

/**
 * docs/loops-contract.md §8.1. Period boundaries are whole seconds, so the rendered unix seconds are exact.
 * The product, price, unit amount (per period, fixed at checkout: a later product change does not
 * reprice it), currency and quantity are the checkout's line item's.
 */
export interface SubscriptionRecord extends Pick<LineItemRecord, 'productId' | 'priceId' | 'productName' | 'quantity' | 'unitAmount' | 'currency'> {
  id: string;
  status: SubscriptionStatus;
  sessionId: string;
  externalCustomerId: string | null;
  customerEmail: string | null;
  interval: RecurringInterval;
  /** Where the paid periods are counted from: the first payment, or the trial's end. */
  anchorMs: number;
  /** Paid periods begun so far (0 during a trial); period n runs anchor+(n−1)·interval → anchor+n·interval. */
  paidPeriods: number;
  currentPeriodStartMs: number;
  currentPeriodEndMs: number;
  trialStartMs: number | null;
  trialEndMs: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAtMs: number | null;
  endedAtMs: number | null;
  latestChargeId: string | null;
  /** Failed retries since the renewal charge that made it `past_due` (§8.1: the 3rd ends it). */
  failedRetries: number;
  /** `POST /_emulator/subscriptions/{id}/fail-next-charge`: how many of the next charges fail. */
  failNextCharges: number;
  failureMessage: string | null;
  metadata: Metadata;
  createdMs: number;
}

/** A customer-portal session (§8.2): opens the hosted portal page for one `externalCustomerId`. */
export interface PortalSessionRecord {
  id: string;
  externalCustomerId: string;
  returnUrl: string;
  createdMs: number;
  expiresMs: number;
}

export interface PaymentLinkRecord {
  id: string;
  label: string | null;
  productIds: string[];
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Metadata;
  active: boolean;
  createdMs: number;
  updatedMs: number;
}

export class EmulatorState {
  readonly sessions = new Map<string, SessionRecord>();
  readonly products = new Map<string, ProductRecord>();
  /** price id → product id: V3 `line_items[].price` may name a product's `default_price` (§3.2). */
  readonly priceIndex = new Map<string, string>();
  readonly paymentLinks = new Map<string, PaymentLinkRecord>();
  readonly charges = new Map<string, ChargeRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly portalSessions = new Map<string, PortalSessionRecord>();

  clear(): void {
    this.sessions.clear();
    this.products.clear();
    this.priceIndex.clear();
    this.paymentLinks.clear();
    this.charges.clear();
    this.subscriptions.clear();
    this.portalSessions.clear();
  }
}
