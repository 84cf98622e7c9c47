/**
 * In-memory records. One session record serves every API version; `render/` turns it into the
 * V1/V2 or V3 shape (ids are shared across versions, loops-api.md §3.2 [chosen]). Amounts are
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
}

export interface ChargeRecord {
  id: string;
  sessionId: string;
  paymentIntentId: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  customerEmail: string | null;
  metadata: Metadata;
  createdMs: number;
}

export interface SubscriptionRecord {
  id: string;
  sessionId: string;
  productId: string | null;
  interval: RecurringInterval;
  customer: string | null;
  externalCustomerId: string | null;
  metadata: Metadata;
  createdMs: number;
  currentPeriodEndMs: number;
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

  clear(): void {
    this.sessions.clear();
    this.products.clear();
    this.priceIndex.clear();
    this.paymentLinks.clear();
    this.charges.clear();
    this.subscriptions.clear();
  }
}
