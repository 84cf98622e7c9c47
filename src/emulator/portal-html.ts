import { toIso } from './clock';
import { escapeHtml, layout } from './html';
import { formatMajor } from './money';
import { subscriptionAmount } from './render/subscription';
import type { PortalSessionRecord, SubscriptionRecord } from './state';

/** The portal page's three actions (docs/loops-contract.md §8.2), in the order shown; each is a path segment and a button id prefix. */
export const PORTAL_ACTIONS = ['cancel-at-period-end', 'resume', 'cancel-now'] as const;
export type PortalAction = (typeof PORTAL_ACTIONS)[number];

const ACTION_LABELS: Record<PortalAction, string> = {
  'cancel-at-period-end': 'Cancel at period end',
  resume: 'Resume',
  'cancel-now': 'Cancel now',
};

/** Which buttons a subscription gets: none once canceled; cancel at period end or resume, never both. */
export function actionsFor(subscription: SubscriptionRecord): PortalAction[] {
  if (subscription.status === 'canceled') return [];
  return [subscription.cancelAtPeriodEnd ? 'resume' : 'cancel-at-period-end', 'cancel-now'];
}

/**
 * The hosted customer-portal page (§8.2, §8.5): the customer's subscriptions, newest first, each a
 * `<section class="subscription" id="sub_…" data-status="…">` with plain form buttons (ids
 * `cancel-at-period-end-<sub id>`, `resume-<sub id>`, `cancel-now-<sub id>`), and a link back to
 * `returnUrl` (id `return`). No script, like the checkout page. `pagePath` is the page's own path.
 */
export function portalPage(portal: PortalSessionRecord, subscriptions: SubscriptionRecord[], pagePath: string): string {
  const sections = subscriptions.map((subscription) => subscriptionSection(subscription, pagePath)).join('\n');
  return layout(
    'Your subscriptions',
    `<h1>Your subscriptions</h1>
<p class="muted">Customer <code id="customer">${escapeHtml(portal.externalCustomerId)}</code> · portal session <code id="portal-id">${escapeHtml(portal.id)}</code></p>
${subscriptions.length === 0 ? '<p id="no-subscriptions">You have no subscriptions.</p>' : sections}
<p><a id="return" href="${escapeHtml(portal.returnUrl)}">Back</a></p>`,
  );
}

function subscriptionSection(subscription: SubscriptionRecord, pagePath: string): string {
  const id = escapeHtml(subscription.id);
  const amount = formatMajor(subscriptionAmount(subscription), subscription.currency);
  const buttons = actionsFor(subscription)
    .map(
      (action) =>
        `<form method="post" action="${escapeHtml(`${pagePath}/subscriptions/${subscription.id}/${action}`)}"><button type="submit" id="${escapeHtml(`${action}-${subscription.id}`)}">${ACTION_LABELS[action]}</button></form>`,
    )
    .join('');
  return `<section class="subscription" id="${id}" data-status="${escapeHtml(subscription.status)}">
<h2>${escapeHtml(subscription.productName)}${subscription.quantity > 1 ? ` × ${subscription.quantity}` : ''}</h2>
<p><span class="amount">${amount}</span> ${escapeHtml(subscription.currency)} per ${escapeHtml(subscription.interval)} · <strong class="status">${escapeHtml(subscription.status)}</strong></p>
<p class="muted state">${escapeHtml(stateLine(subscription))}</p>
${buttons}
</section>`;
}

function stateLine(subscription: SubscriptionRecord): string {
  const periodEnd = toIso(subscription.currentPeriodEndMs);
  if (subscription.status === 'canceled') return `Ended ${toIso(subscription.endedAtMs ?? subscription.currentPeriodEndMs)}`;
  if (subscription.cancelAtPeriodEnd) return `Ends ${periodEnd}`;
  if (subscription.status === 'past_due') return 'The last payment failed; it is being retried';
  if (subscription.status === 'trialing') return `Trial ends ${periodEnd}`;
  return `Renews ${periodEnd}`;
}

/** Unknown portal session or a subscription it does not cover; the same page, so ids cannot be probed. */
export function portalNotFoundPage(): string {
  return layout('Not found', '<h1 id="result">Not found</h1>');
}

export function portalExpiredPage(portal: PortalSessionRecord): string {
  return layout(
    'Portal session expired',
    `<h1 id="result">This portal session has expired</h1>
<p><a id="return" href="${escapeHtml(portal.returnUrl)}">Back</a></p>`,
  );
}

export function portalRefusedPage(portal: PortalSessionRecord, message: string): string {
  return layout(
    'Not possible',
    `<h1 id="result">Not possible</h1>
<p id="message">${escapeHtml(message)}</p>
<p><a id="back-to-portal" href="${escapeHtml(`/portal/${portal.id}`)}">Back to your subscriptions</a></p>`,
  );
}
