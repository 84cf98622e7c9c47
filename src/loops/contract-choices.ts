/**
 * Every point where docs/loops-contract.md says [chosen] or lists a known unknown (§7), as one named
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
  /**
   * §8 is [chosen] throughout except that Loops says "a subscription is created" and that
   * `DELETE /api/v3/subscriptions/{id}` and `POST /api/v3/customer-portal/sessions` exist. Each
   * group is one switch; with one off, the gateway refuses the Stripe calls that need it with a
   * clear 400 instead of guessing (§8), and never calls the Loops endpoints below.
   *
   * `subscriptions` (§8.1, §8.2, §8.4): Loops keeps a subscription object after its creation event
   * (loops-client.ts `getSubscription`, `listSubscriptions`, `updateSubscription`,
   * `cancelSubscription`; `loopsV3SubscriptionSchema`), renews it with `charge.succeeded` /
   * `charge.failed` / `subscription.updated` / `subscription.canceled` (loops-webhook-schemas.ts
   * LOOPS_SUBSCRIPTION_EVENT_OBJECTS), and a completed V3 session names it in `subscription`
   * (read when present; else `subscription.created`'s `checkout_session` links them). Needed by the
   * Stripe subscription reads, updates, cancels and `customer.subscription.*` / `invoice.*` events,
   * and by `mode=subscription` checkouts (their completed session shows the subscription and its
   * first invoice; without this switch they are refused). Env LOOPS_SUBSCRIPTIONS.
   */
  subscriptions: true as boolean,
  /**
   * `customerPortal` (§8.2): `POST /api/v3/customer-portal/sessions {externalCustomerId, returnUrl}`
   * answers a `customer_portal.session` with a hosted `url` (loops-client.ts `createPortalSession`,
   * `loopsPortalSessionSchema`). Needed by Stripe's `POST /v1/billing_portal/sessions`. Env
   * LOOPS_CUSTOMER_PORTAL.
   */
  customerPortal: true as boolean,
  /**
   * `trials` (§8.3): V3 create in subscription mode takes `subscription_data.trial_period_days`
   * (1–730) or `.trial_end` (unix seconds, ≥ 2 days ahead), charges nothing at checkout and
   * completes with `payment_status: "no_payment_required"`; the subscription is `trialing` until
   * its first charge. Needed by Stripe's `subscription_data[trial_period_days]` / `[trial_end]`.
   * Env LOOPS_TRIALS.
   * (`customer_details` on completed sessions, §8, needs no switch: it is read when present.)
   */
  trials: true as boolean,
  /**
   * §8.1 [chosen]: a failed renewal is retried `count` times, `spacingSeconds` apart from the period
   * end; the last failed retry ends the subscription. The gateway reads it to show an open
   * invoice's `next_payment_attempt` and to know when to read Loops again (the subscription sweep).
   */
  subscriptionRenewalRetries: { count: 3, spacingSeconds: 86_400 },
} as const;
