import { toIso } from '../clock';
import { checkoutUrl, type EmulatorContext } from '../context';
import { toMajor } from '../money';
import type { SessionRecord, SessionStatus } from '../state';

/**
 * V1/V2 status names (docs/loops-contract.md §3.1). `CANCELLED` exists in Loops' vocabulary but the
 * emulator never produces it: cancelling leaves the session open (§4), so no transition leads there.
 */
export const V2_STATUS: Record<SessionStatus, string> = { open: 'PENDING', completed: 'COMPLETED', expired: 'EXPIRED', failed: 'FAILED' };

/** The Loops-style object of §3.1: major units, upper-case currency, ISO-8601 strings. */
export function renderSessionV2(context: EmulatorContext, session: SessionRecord) {
  return {
    id: session.id,
    url: checkoutUrl(context, session.id),
    status: V2_STATUS[session.status],
    amount: toMajor(session.amount, session.currency),
    currency: session.currency,
    productName: session.productName,
    productDescription: session.productDescription,
    externalCustomerId: session.externalCustomerId,
    paymentLinkId: session.paymentLinkId,
    productId: session.lineItems[0]?.productId ?? null,
    quantity: session.lineItems.reduce((sum, item) => sum + item.quantity, 0),
    expiresAt: toIso(session.expiresMs),
    completedAt: session.completedMs === null ? null : toIso(session.completedMs),
    createdAt: toIso(session.createdMs),
    updatedAt: toIso(session.updatedMs),
    metadata: { ...session.metadata },
    pricingType: session.mode === 'subscription' ? 'RECURRING' : 'ONE_TIME',
    allowedPaymentMethods: [...session.paymentMethodTypes],
    successUrl: session.successUrl,
    cancelUrl: session.cancelUrl,
  };
}
