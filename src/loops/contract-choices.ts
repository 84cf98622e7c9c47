/**
 * Every point where loops-api.md says [chosen] or lists a known unknown (§7), as one named
 * constant. If a real Loops account proves one wrong, it changes here (or through the config
 * option named beside it) and nowhere else.
 */
export const LOOPS_CONTRACT = {
  /** §7.3: what V3 `line_items[].price` takes. 'price' = the product's `default_price` id (falling back to the product id when a mapping has none); 'product' = always the product id. Env LOOPS_LINE_ITEM_REFERENCE. */
  lineItemReference: 'price' as 'price' | 'product',
  /** §2: which V3 create form carries a single line item. Env LOOPS_CHECKOUT_FORM. */
  checkoutForm: 'line_items' as 'line_items' | 'product',
  /** §7.4: V3 session amounts and product `priceAmount` are minor units; V1/V2 amounts major units. */
  v3AmountsInMinorUnits: true,
  /**
   * §7.4, ISK: Stripe's API counts Icelandic króna in hundredths (two decimals; charges must be
   * whole krónur, so multiples of 100) while ISO 4217 gives it no decimals. Which of the two Loops'
   * "minor units" follow is not documented. 'stripe': the same number as Stripe (500 ISK = 50000);
   * 'iso': whole krónur (500 ISK = 500). Applied by src/loops/v3-amounts.ts, nowhere else.
   */
  v3IskMinorUnits: 'stripe' as 'stripe' | 'iso',
  /** §7.5: V3 create accepts `mode: subscription` and `expires_at` (unix seconds). */
  v3AcceptsExpiresAt: true,
  /** §3.2: ids are shared across versions, so a V3 session is expired through V2 `PUT expiresAt`. */
  expireThroughV2Update: true,
  /**
   * §3.2: V3 objects carry no `status`, so from V3 alone a session Loops expired early or failed
   * looks open until its `expires_at` (paid shows as `payment_status`). Ids being shared across
   * versions, the V2 GET of the same id is read beside the V3 GET for Loops' own status
   * (PENDING / COMPLETED / EXPIRED / CANCELLED / FAILED, §3.1). false: V3 only, and sessions ended
   * early are learned from webhooks or at `expires_at`. Read by services/checkout-sessions/session-sync.ts.
   */
  v3StatusFromV2: true,
  /**
   * §7.7: Loops is sent `Idempotency-Key` on every POST; the gateway does not rely on it alone. How
   * long Loops may still carry out a create it left unanswered is chosen in retry-policy.ts
   * (`loopsCreateSettleMs`, from LOOPS_TIMEOUT_MS).
   */
  sendIdempotencyKey: true,
  /** §5, §7.1: webhook signature header (env LOOPS_WEBHOOK_SIGNATURE_HEADER) and digest encoding. */
  webhookSignatureHeader: 'X-Loops-Signature',
  webhookDigestEncoding: 'hex' as 'hex' | 'base64',
  /** §5: replay window for webhook timestamps, seconds (env LOOPS_WEBHOOK_TOLERANCE_SECONDS). */
  webhookToleranceSeconds: 300,
} as const;
