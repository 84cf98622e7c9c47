import { formatMajor } from './money';
import { quantityBounds, quantityField } from './quantities';
import { isTrial, type SessionRecord } from './state';

/**
 * Hosted checkout pages (docs/loops-contract.md §6): plain HTML, no external assets and no script, so a
 * headless browser or a bare HTTP client can drive them. Buttons have ids `pay`, `cancel`, `fail`.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
.amount{font-size:2rem;font-weight:600}.muted{color:#666;font-size:.9rem}
form{display:inline-block;margin:.5rem .5rem 0 0}button{font-size:1rem;padding:.5rem 1.25rem;cursor:pointer}
label{display:inline-block;min-width:6rem}input{font-size:1rem;padding:.25rem}
#pay{background:#0a7d32;color:#fff;border:0}
</style>
</head>
<body>
<p class="muted">Loops emulator — test checkout, no real money moves</p>
${body}
</body>
</html>
`;
}

/**
 * `pagePath` is the path of the session's own page (of its `url`); the buttons post to paths under
 * it, so the page works with or without a trailing slash and under whatever host it was opened.
 * The Pay form carries the customer's email (id `email`, prefilled from `customer_email`) and name
 * (id `name`), which become the session's `customer_details` (docs/loops-contract.md §8).
 */
export function checkoutPage(session: SessionRecord, pagePath: string): string {
  const amount = formatMajor(session.amount, session.currency);
  const id = escapeHtml(session.id);
  const button = (action: string, label: string, fields = '') =>
    `<form method="post" action="${escapeHtml(`${pagePath}/${action}`)}">${fields}<button type="submit" id="${action}">${label}</button></form>`;
  const trial = isTrial(session);
  return layout(
    `Pay ${session.productName}`,
    `<h1 id="product-name">${escapeHtml(session.productName)}</h1>
${session.productDescription ? `<p id="product-description">${escapeHtml(session.productDescription)}</p>` : ''}
${trial ? `<p id="trial">${escapeHtml(trialText(session))}: nothing is charged today, then</p>
` : ''}<p class="amount"><span id="amount">${amount}</span> <span id="currency">${escapeHtml(session.currency)}</span>${session.mode === 'subscription' ? ` <span id="interval">per ${escapeHtml(session.recurringInterval ?? 'month')}</span>` : ''}</p>
<p class="muted">Session <code id="session-id">${id}</code> · expires ${new Date(session.expiresMs).toISOString()}</p>
${button('pay', trial ? 'Start trial' : 'Pay', customerFields(session) + quantityFields(session))}${button('cancel', 'Cancel')}${button('fail', 'Fail')}`,
  );
}

function trialText(session: SessionRecord): string {
  const data = session.subscriptionData;
  if (data?.trialPeriodDays != null) return `Free trial for ${data.trialPeriodDays} day${data.trialPeriodDays === 1 ? '' : 's'}`;
  return `Free trial until ${new Date(data?.trialEndMs ?? 0).toISOString()}`;
}

function customerFields(session: SessionRecord): string {
  const email = session.customerEmail ? ` value="${escapeHtml(session.customerEmail)}"` : '';
  return `<p><label for="email">Email</label> <input type="email" id="email" name="email" maxlength="254" autocomplete="email"${email}></p>
<p><label for="name">Name</label> <input type="text" id="name" name="name" maxlength="200" autocomplete="name"></p>`;
}

/**
 * One number input per adjustable item, inside the Pay form (field `quantity_<index>`, id
 * `quantity-<index>`), bounded as the server checks it; items with a fixed quantity get none.
 */
function quantityFields(session: SessionRecord): string {
  return session.lineItems
    .map((item, index) => {
      const bounds = quantityBounds(session, item);
      if (!bounds) return '';
      const name = escapeHtml(item.productName);
      return `<p><label for="quantity-${index}">Quantity of ${name}</label> <input type="number" id="quantity-${index}" name="${quantityField(index)}" value="${item.quantity}" min="${bounds.minimum}" max="${bounds.maximum}" step="1" required></p>`;
    })
    .join('');
}

export function notPayablePage(session: SessionRecord): string {
  return layout(
    'Checkout no longer payable',
    `<h1>This checkout is no longer payable</h1>
<p>Session <code id="session-id">${escapeHtml(session.id)}</code> is <strong id="status">${escapeHtml(session.status)}</strong>.</p>`,
  );
}

/** A quantity outside its bounds or a bad email: nothing was charged; the customer goes back to the page. */
export function invalidInputPage(session: SessionRecord, message: string): string {
  return layout(
    'Invalid input',
    `<h1 id="result">Invalid input</h1>
<p id="message">${escapeHtml(message)}</p>
<p>Session <code id="session-id">${escapeHtml(session.id)}</code> is still open; nothing was charged.</p>`,
  );
}

export function notFoundPage(): string {
  return layout('Checkout not found', '<h1>Checkout Session Not Found</h1>');
}

/** Shown when the session has no success/cancel URL to redirect to. */
export function resultPage(session: SessionRecord, status: 'completed' | 'canceled' | 'failed'): string {
  const messages = { completed: 'Payment succeeded', canceled: 'Payment canceled', failed: 'Payment failed' };
  return layout(
    messages[status],
    `<h1 id="result">${messages[status]}</h1>
<p>Session <code id="session-id">${escapeHtml(session.id)}</code>, status <strong id="status">${status}</strong>.</p>`,
  );
}
