import { defaultPortalFeatures, type PortalFeatures } from '../stripe/objects/portal-configuration-object';

/**
 * What Loops' customer portal does (docs/loops-contract.md §8.2, §8.5): it lists the customer's
 * subscriptions and lets them cancel at period end, undo that, or cancel now (no refund), then go
 * back. Nothing else: no customer details, invoices, payment methods, plan or quantity changes,
 * pauses or cancellation reasons. Loops' portal is configured in Loops, not through Stripe's
 * configuration objects; the gateway keeps those for merchant code, and a portal session accepts
 * one only where it describes this portal, so a customer is never sent to a page that offers
 * something else than the merchant configured.
 */
export function loopsPortalFeatures(): PortalFeatures {
  const features = defaultPortalFeatures();
  features.subscription_cancel.enabled = true;
  return features;
}

/**
 * How a configuration's features differ from Loops' portal, one phrase per difference (empty when
 * it matches). Both cancel modes match: Loops' page offers both.
 */
export function portalFeatureGaps(features: PortalFeatures): string[] {
  const gaps: string[] = [];
  const offeredElsewhere = ['customer_update', 'invoice_history', 'payment_method_update', 'subscription_pause', 'subscription_update'] as const;
  for (const name of offeredElsewhere) if (features[name].enabled) gaps.push(`\`${name}\` is enabled (Loops' portal has none)`);
  const cancel = features.subscription_cancel;
  if (!cancel.enabled) gaps.push("`subscription_cancel` is disabled (Loops' portal always lets the customer cancel)");
  else {
    if (cancel.proration_behavior !== 'none')
      gaps.push(`\`subscription_cancel.proration_behavior\` is \`${cancel.proration_behavior}\` (Loops refunds nothing)`);
    if (cancel.cancellation_reason.enabled) gaps.push("`subscription_cancel.cancellation_reason` is enabled (Loops' portal asks for none)");
  }
  return gaps;
}
