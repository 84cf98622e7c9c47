// A small SaaS app on Stripe Billing, written as a merchant writes one: the official `stripe`
// package and Node's `http` module. A pricing page built from prices found by lookup key, a
// subscribe button that opens Checkout with a 14-day trial, an account page that reads the
// subscription from Stripe, "Manage billing" opening the customer portal, and a webhook handler that
// keeps the app's own record current from `customer.subscription.*` and `invoice.*` events. Nothing
// in it knows about the Stripe-to-Loops gateway; only the client's host, port and protocol
// (environment, below) decide where its Stripe calls go.
//
//   STRIPE_SECRET_KEY      sk_… (required)
//   STRIPE_WEBHOOK_SECRET  whsec_… the endpoint's signing secret (required)
//   STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL   where the Stripe API is; unset: api.stripe.com
//   PORT, HOST             default 3000, 127.0.0.1;  PUBLIC_URL  default http://127.0.0.1:$PORT
'use strict';

const http = require('node:http');
const { randomBytes } = require('node:crypto');
const Stripe = require('stripe');
const { PLANS, TRIAL_DAYS } = require('./plans');

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (see README.md)`);
    process.exit(1);
  }
  return value;
};

// Where the Stripe API is: unset, api.stripe.com, as in any Stripe app. Giving the client a host,
// port and protocol is the whole difference between this app on Stripe and on the gateway.
const { STRIPE_API_HOST: host, STRIPE_API_PORT: port, STRIPE_API_PROTOCOL: protocol } = process.env;
const stripe = new Stripe(required('STRIPE_SECRET_KEY'), { host, port, protocol });
const webhookSecret = required('STRIPE_WEBHOOK_SECRET');
const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const PUBLIC_URL = (process.env.PUBLIC_URL || `http://127.0.0.1:${PORT}`).replace(/\/$/, '');

// The app's own database. A real app keeps users in its database and has real sign-in; here an
// email address and a random session cookie stand in for both.
const users = new Map(); // id → { id, email, customerId, subscription: {…} | null, invoices: Map, paymentProblem }
const sessions = new Map(); // cookie token → user id
const handledEvents = new Set();

const userByEmail = (email) => [...users.values()].find((user) => user.email === email);
const userByCustomer = (customerId) => [...users.values()].find((user) => user.customerId === customerId);
const idOf = (value) => (typeof value === 'string' ? value : value?.id);

function currentUser(req) {
  const token = /(?:^|;\s*)session=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
  return token ? users.get(sessions.get(token)) : undefined;
}

function signIn(res, user) {
  const token = randomBytes(16).toString('hex');
  sessions.set(token, user.id);
  res.setHeader('set-cookie', `session=${token}; Path=/; HttpOnly; SameSite=Lax`);
}

const escapeHtml = (value) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Stripe amounts are in the currency's smallest unit (cents; yen have none).
const money = (amount, currency) => {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
};
const date = (unixSeconds) => (unixSeconds ? new Date(unixSeconds * 1000).toISOString().slice(0, 10) : '—');

const page = (title, user, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}' +
  '.plan{border:1px solid #ccc;border-radius:.5rem;padding:1rem;margin:1rem 0}button{font-size:1rem;padding:.4rem 1rem}' +
  'td,th{padding:.2rem .8rem;text-align:left}</style></head><body>' +
  `<p><a href="/">Pricing</a> · <a id="account-link" href="/account">Account</a>` +
  (user ? ` · signed in as <span id="signed-in">${escapeHtml(user.email)}</span>` : '') +
  `</p>${body}</body></html>`;

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
}

function redirect(res, location) {
  res.writeHead(303, { location }).end();
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 1_000_000) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The plans' prices, with their products, cheapest first. */
async function listPlans() {
  const prices = await stripe.prices.list({ lookup_keys: PLANS.map((plan) => plan.lookupKey), active: true, expand: ['data.product'] });
  return prices.data.sort((a, b) => a.unit_amount - b.unit_amount);
}

/** What the app keeps of a subscription, from the object Stripe sends or returns. */
function subscriptionRecord(subscription) {
  const item = subscription.items?.data?.[0];
  return {
    id: subscription.id,
    status: subscription.status,
    priceId: idOf(item?.price),
    // From API version 2025-03-31 the period is on the items; older versions have it on the subscription.
    periodEnd: item?.current_period_end ?? subscription.current_period_end ?? null,
    trialEnd: subscription.trial_end,
    // Classic billing sets cancel_at_period_end; flexible billing (the default from 2025-09-30) sets cancel_at.
    cancelAt: subscription.cancel_at ?? (subscription.cancel_at_period_end ? (item?.current_period_end ?? subscription.current_period_end) : null),
  };
}

const hasAccess = (user) => ['trialing', 'active'].includes(user?.subscription?.status);

async function pricingPage(req, res) {
  const user = currentUser(req);
  const plans = await listPlans();
  const cards = plans.map(
    (price) =>
      `<div class="plan" id="plan-${escapeHtml(price.lookup_key)}"><h2>${escapeHtml(price.product.name)}</h2>` +
      `<p>${escapeHtml(price.product.description)}</p><p><strong>${escapeHtml(money(price.unit_amount, price.currency))}</strong> a month</p>` +
      '<form method="post" action="/subscribe">' +
      `<input type="hidden" name="price" value="${escapeHtml(price.id)}">` +
      (user ? '' : '<label>Email <input name="email" type="email" required></label> ') +
      `<button id="subscribe-${escapeHtml(price.lookup_key)}" type="submit">Start ${TRIAL_DAYS}-day free trial</button></form></div>`,
  );
  send(res, 200, page('Pricing', user, `<h1>Pricing</h1>${cards.join('') || '<p id="no-plans">No plans yet: run the seed script.</p>'}`));
}

async function subscribe(req, res) {
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  let user = currentUser(req);
  if (!user) {
    const email = (form.get('email') ?? '').trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return send(res, 400, page('Email needed', undefined, '<p>Please give an email address.</p>'));
    user = userByEmail(email);
    if (!user) {
      user = { id: `user_${users.size + 1}`, email, customerId: null, subscription: null, invoices: new Map(), paymentProblem: false };
      users.set(user.id, user);
    }
    signIn(res, user);
  }
  if (hasAccess(user)) return redirect(res, '/account');

  const price = (await listPlans()).find((candidate) => candidate.id === form.get('price'));
  if (!price) return send(res, 400, page('Unknown plan', user, '<p>That plan does not exist.</p>'));
  if (!user.customerId) {
    const customer = await stripe.customers.create({ email: user.email, metadata: { user_id: user.id } });
    user.customerId = customer.id;
  }
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: user.customerId,
    client_reference_id: user.id,
    line_items: [{ price: price.id, quantity: 1 }],
    subscription_data: { trial_period_days: TRIAL_DAYS, metadata: { user_id: user.id } },
    success_url: `${PUBLIC_URL}/welcome?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${PUBLIC_URL}/`,
  });
  redirect(res, session.url);
}

// After Checkout: the session, with its customer and subscription, tells the app what was bought.
// The webhook says the same; whichever comes first records it.
async function welcome(req, url, res) {
  const sessionId = url.searchParams.get('session_id');
  if (!sessionId) return redirect(res, '/');
  const session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['customer', 'subscription'] });
  const user = users.get(session.client_reference_id);
  if (!user || !session.subscription) return send(res, 400, page('Not found', currentUser(req), '<p>No subscription in that checkout.</p>'));
  user.customerId = idOf(session.customer);
  user.subscription = subscriptionRecord(session.subscription);
  const plan = (await listPlans()).find((price) => price.id === user.subscription.priceId);
  send(
    res,
    200,
    page(
      'Welcome',
      user,
      `<h1 id="welcome">Welcome to ${escapeHtml(plan?.product.name ?? 'your plan')}!</h1>` +
        (session.subscription.status === 'trialing'
          ? `<p>Your free trial runs until <span id="trial-end">${date(session.subscription.trial_end)}</span>; nothing is charged before then.</p>`
          : '<p>Your subscription is active.</p>') +
        '<p><a id="go-to-account" href="/account">Go to your account</a></p>',
    ),
  );
}

async function accountPage(req, res) {
  const user = currentUser(req);
  if (!user) return redirect(res, '/');
  let body = '<h1>Your account</h1>';
  if (!user.subscription) {
    body += '<p id="no-subscription">No subscription yet. <a href="/">Choose a plan</a>.</p>';
  } else {
    // Read from Stripe, as it is now.
    const subscription = await stripe.subscriptions.retrieve(user.subscription.id, { expand: ['items.data.price.product'] });
    const current = subscriptionRecord(subscription);
    const item = subscription.items.data[0];
    body +=
      `<h2>Subscription <span id="subscription-id">${escapeHtml(subscription.id)}</span></h2><table>` +
      `<tr><th>Plan</th><td id="plan-name">${escapeHtml(item?.price.product.name)}</td></tr>` +
      `<tr><th>Status</th><td id="subscription-status">${escapeHtml(subscription.status)}</td></tr>` +
      (subscription.status === 'trialing' ? `<tr><th>Trial ends</th><td id="trial-end">${date(subscription.trial_end)}</td></tr>` : '') +
      (subscription.status !== 'canceled' ? `<tr><th>Current period ends</th><td id="period-end">${date(current.periodEnd)}</td></tr>` : '') +
      (subscription.status === 'canceled' ? `<tr><th>Ended</th><td id="ended-at">${date(subscription.ended_at)}</td></tr>` : '') +
      '</table>' +
      (current.cancelAt && subscription.status !== 'canceled'
        ? `<p id="cancel-notice">Your subscription ends on ${date(current.cancelAt)}; it will not renew.</p>`
        : '');
  }
  // What the app itself believes, kept by webhooks: this is what grants access.
  body +=
    `<h2>Access</h2><p>Pro features: <strong id="access">${hasAccess(user) ? 'on' : 'off'}</strong>` +
    ` (as of the last webhook: <span id="recorded-status">${escapeHtml(user.subscription?.status ?? 'none')}</span>)</p>` +
    (user.paymentProblem ? '<p id="payment-problem">Your last payment failed: please update your payment method.</p>' : '');
  const invoices = [...user.invoices.values()].sort((a, b) => b.created - a.created);
  body +=
    '<h2>Invoices</h2>' +
    (invoices.length === 0
      ? '<p id="no-invoices">None yet.</p>'
      : '<table id="invoices"><tr><th>Date</th><th>Amount</th><th>Status</th></tr>' +
        invoices
          .map(
            (invoice) =>
              `<tr class="invoice" data-status="${escapeHtml(invoice.status)}"><td>${date(invoice.created)}</td>` +
              `<td>${escapeHtml(money(invoice.amount, invoice.currency))}</td><td>${escapeHtml(invoice.status)}</td></tr>`,
          )
          .join('') +
        '</table>');
  if (user.customerId)
    body += '<form method="post" action="/billing-portal"><button id="manage-billing" type="submit">Manage billing</button></form>';
  send(res, 200, page('Account', user, body));
}

async function billingPortal(req, res) {
  const user = currentUser(req);
  if (!user?.customerId) return redirect(res, '/');
  const portal = await stripe.billingPortal.sessions.create({ customer: user.customerId, return_url: `${PUBLIC_URL}/account` });
  redirect(res, portal.url);
}

// Deliveries are at least once and in no particular order, so a subscription event is taken as a
// cue to read the subscription as it is now, rather than applied as it was when the event was made.
async function onSubscriptionEvent(subscription) {
  const user = userByCustomer(idOf(subscription.customer)) ?? users.get(subscription.metadata?.user_id);
  if (!user) return;
  const current = await stripe.subscriptions.retrieve(subscription.id);
  user.customerId = idOf(current.customer);
  user.subscription = subscriptionRecord(current);
  console.log(`${user.id}: subscription ${current.id} is ${current.status}`);
}

function onInvoiceEvent(type, invoice) {
  const user = userByCustomer(idOf(invoice.customer));
  if (!user) return;
  const known = user.invoices.get(invoice.id);
  const status = type === 'invoice.payment_failed' ? 'payment failed' : invoice.status;
  // invoice.paid is final: a late invoice.created or .finalized does not undo it.
  if (known?.status !== 'paid' || type === 'invoice.paid' || type === 'invoice.payment_succeeded')
    user.invoices.set(invoice.id, {
      id: invoice.id,
      status,
      amount: invoice.amount_paid || invoice.amount_due,
      currency: invoice.currency,
      created: invoice.created,
    });
  if (type === 'invoice.payment_failed') user.paymentProblem = true;
  if (type === 'invoice.paid' || type === 'invoice.payment_succeeded') user.paymentProblem = false;
}

async function webhook(req, res) {
  let event;
  try {
    event = stripe.webhooks.constructEvent(await readBody(req), req.headers['stripe-signature'], webhookSecret);
  } catch (error) {
    console.warn(`webhook refused: ${error.message}`);
    return res.writeHead(400, { 'content-type': 'text/plain' }).end(`Webhook Error: ${error.message}`);
  }
  if (!handledEvents.has(event.id)) {
    const object = event.data.object;
    switch (event.type) {
      case 'checkout.session.completed': {
        const user = users.get(object.client_reference_id);
        if (object.mode === 'subscription' && user && object.subscription) {
          user.customerId = idOf(object.customer);
          await onSubscriptionEvent({ id: idOf(object.subscription), customer: object.customer });
        }
        break;
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
      case 'customer.subscription.trial_will_end':
        await onSubscriptionEvent(object);
        break;
      case 'invoice.created':
      case 'invoice.finalized':
      case 'invoice.paid':
      case 'invoice.payment_succeeded':
      case 'invoice.payment_failed':
        onInvoiceEvent(event.type, object);
        break;
    }
    // Marked handled only once it was: an event that failed half-way is sent again (a 500 below).
    handledEvents.add(event.id);
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: true }));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', PUBLIC_URL);
  try {
    if (req.method === 'GET' && url.pathname === '/') return await pricingPage(req, res);
    if (req.method === 'POST' && url.pathname === '/subscribe') return await subscribe(req, res);
    if (req.method === 'GET' && url.pathname === '/welcome') return await welcome(req, url, res);
    if (req.method === 'GET' && url.pathname === '/account') return await accountPage(req, res);
    if (req.method === 'POST' && url.pathname === '/billing-portal') return await billingPortal(req, res);
    if (req.method === 'POST' && url.pathname === '/webhook') return await webhook(req, res);
    send(res, 404, page('Not found', currentUser(req), '<p>Not found.</p>'));
  } catch (error) {
    // A StripeError carries Stripe's message and the request id to quote to support.
    console.error(`${req.method} ${url.pathname}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`);
    if (!res.headersSent) send(res, 500, page('Error', undefined, `<p id="error">Something went wrong: ${escapeHtml(error.message)}</p>`));
  }
});

server.listen(PORT, HOST, () => console.log(`saas-subscriptions listening on ${PUBLIC_URL}`));
