// A one-product shop on Stripe Checkout, written as a merchant writes one: the official `stripe`
// package, a product page, a checkout route, a success page that reads the session, and a webhook
// handler that marks the order paid. Nothing in it knows about the Stripe-to-Loops gateway; only the
// client's host, port and protocol (environment, below) decide where its Stripe calls go.
//
//   STRIPE_SECRET_KEY      sk_… (required)
//   STRIPE_WEBHOOK_SECRET  whsec_… the endpoint's signing secret (required)
//   PRICE                  the Stripe price this shop sells (required)
//   STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL   where the Stripe API is; unset: api.stripe.com
//   PORT, HOST             default 3000, 127.0.0.1;  PUBLIC_URL  default http://127.0.0.1:$PORT
'use strict';

const http = require('node:http');
const Stripe = require('stripe');

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (see README.md)`);
    process.exit(1);
  }
  return value;
};

// Where the Stripe API is: unset, api.stripe.com, as in any Stripe app. Giving the client a host,
// port and protocol is the whole difference between this shop on Stripe and on the gateway.
const { STRIPE_API_HOST: host, STRIPE_API_PORT: port, STRIPE_API_PROTOCOL: protocol } = process.env;
const stripe = new Stripe(required('STRIPE_SECRET_KEY'), { host, port, protocol });
const webhookSecret = required('STRIPE_WEBHOOK_SECRET');
const PRICE = required('PRICE');
const PORT = Number(process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const PUBLIC_URL = (process.env.PUBLIC_URL || `http://127.0.0.1:${PORT}`).replace(/\/$/, '');

// The shop's own database: orders by id. A real shop keeps them in its database.
const orders = new Map();
const handledEvents = new Set();

const escapeHtml = (value) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Stripe amounts are in the currency's smallest unit (cents; yen have none).
const money = (amount, currency) => {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
};

const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}' +
  'button{font-size:1rem;padding:.5rem 1rem}.status{font-weight:bold}</style></head>' +
  `<body><p><a href="/">Demo shop</a></p>${body}</body></html>`;

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
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

async function productPage(res) {
  const price = await stripe.prices.retrieve(PRICE, { expand: ['product'] });
  send(
    res,
    200,
    page(
      price.product.name,
      `<h1 id="product-name">${escapeHtml(price.product.name)}</h1>` +
        `<p id="product-description">${escapeHtml(price.product.description)}</p>` +
        `<p id="price">${escapeHtml(money(price.unit_amount, price.currency))}</p>` +
        '<form method="post" action="/checkout">' +
        '<label>Quantity <input id="quantity" name="quantity" type="number" min="1" max="10" value="1"></label> ' +
        '<button id="buy" type="submit">Buy</button></form>',
    ),
  );
}

async function checkout(req, res) {
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  const quantity = Math.min(10, Math.max(1, Number.parseInt(form.get('quantity') ?? '1', 10) || 1));
  const order = { id: `order_${orders.size + 1}`, quantity, status: 'pending', sessionId: null, amount: null, currency: null, email: null };
  orders.set(order.id, order);
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: PRICE, quantity }],
    client_reference_id: order.id,
    metadata: { order_id: order.id },
    success_url: `${PUBLIC_URL}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${PUBLIC_URL}/`,
  });
  order.sessionId = session.id;
  res.writeHead(303, { location: session.url }).end();
}

// The customer lands here after paying. The page only shows what the session says; the order is
// fulfilled by the webhook, which arrives whether or not the customer ever gets here.
async function success(url, res) {
  const sessionId = url.searchParams.get('session_id');
  if (!sessionId) return send(res, 400, page('Missing session', '<p>No session_id.</p>'));
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const orderId = session.client_reference_id;
  send(
    res,
    200,
    page(
      'Thank you',
      `<h1 id="thanks">Thank you for your order!</h1>` +
        `<p>Payment: <span id="payment-status" class="status">${escapeHtml(session.payment_status)}</span>, ` +
        `<span id="amount">${escapeHtml(money(session.amount_total, session.currency))}</span>` +
        (session.customer_details?.email ? `, receipt to <span id="email">${escapeHtml(session.customer_details.email)}</span>` : '') +
        '</p>' +
        `<p><a id="order-link" href="/orders/${encodeURIComponent(orderId)}">Order ${escapeHtml(orderId)}</a></p>`,
    ),
  );
}

function orderPage(id, res) {
  const order = orders.get(id);
  if (!order) return send(res, 404, page('Not found', '<p>No such order.</p>'));
  send(
    res,
    200,
    page(
      `Order ${order.id}`,
      `<h1>Order <span id="order-id">${escapeHtml(order.id)}</span></h1>` +
        `<p>Status: <span id="order-status" class="status">${escapeHtml(order.status)}</span></p>` +
        `<p>Quantity: ${order.quantity}</p>` +
        (order.amount !== null ? `<p>Paid: <span id="order-amount">${escapeHtml(money(order.amount, order.currency))}</span></p>` : '') +
        (order.status === 'pending' ? '<p>Waiting for the payment to be confirmed; reload in a moment.</p>' : ''),
    ),
  );
}

// Stripe signs every event; constructEvent checks the signature on the raw bytes.
async function webhook(req, res) {
  let event;
  try {
    event = stripe.webhooks.constructEvent(await readBody(req), req.headers['stripe-signature'], webhookSecret);
  } catch (error) {
    console.warn(`webhook refused: ${error.message}`);
    return res.writeHead(400, { 'content-type': 'text/plain' }).end(`Webhook Error: ${error.message}`);
  }
  // Deliveries are at least once: an event seen before is acknowledged and not acted on again.
  if (!handledEvents.has(event.id)) {
    handledEvents.add(event.id);
    const session = event.data.object;
    const order = orders.get(session.client_reference_id ?? session.metadata?.order_id);
    if (order) {
      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded':
          if (session.payment_status === 'paid') {
            Object.assign(order, {
              status: 'paid',
              amount: session.amount_total,
              currency: session.currency,
              email: session.customer_details?.email,
            });
            console.log(`${order.id} paid (${session.id})`);
          }
          break;
        case 'checkout.session.async_payment_failed':
        case 'checkout.session.expired':
          if (order.status === 'pending') order.status = 'canceled';
          break;
      }
    }
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: true }));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', PUBLIC_URL);
  try {
    if (req.method === 'GET' && url.pathname === '/') return await productPage(res);
    if (req.method === 'POST' && url.pathname === '/checkout') return await checkout(req, res);
    if (req.method === 'GET' && url.pathname === '/success') return await success(url, res);
    if (req.method === 'GET' && url.pathname.startsWith('/orders/')) return orderPage(decodeURIComponent(url.pathname.slice(8)), res);
    if (req.method === 'POST' && url.pathname === '/webhook') return await webhook(req, res);
    send(res, 404, page('Not found', '<p>Not found.</p>'));
  } catch (error) {
    // A StripeError carries Stripe's message and the request id to quote to support.
    console.error(`${req.method} ${url.pathname}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`);
    if (!res.headersSent) send(res, 500, page('Error', `<p id="error">Something went wrong: ${escapeHtml(error.message)}</p>`));
  }
});

server.listen(PORT, HOST, () => console.log(`one-time-shop listening on ${PUBLIC_URL}`));
