// Creates this app's catalog through the Stripe API: one product and one monthly price per plan,
// found again by the price's lookup_key, so running it twice creates nothing new.
//
//   STRIPE_SECRET_KEY (required); STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL as for server.js
'use strict';

const Stripe = require('stripe');
const { PLANS } = require('./plans');

if (!process.env.STRIPE_SECRET_KEY) {
  console.error('STRIPE_SECRET_KEY is not set (see README.md)');
  process.exit(1);
}
const { STRIPE_API_HOST: host, STRIPE_API_PORT: port, STRIPE_API_PROTOCOL: protocol } = process.env;
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, { host, port, protocol });

async function seed() {
  const existing = await stripe.prices.list({ lookup_keys: PLANS.map((plan) => plan.lookupKey), expand: ['data.product'] });
  for (const plan of PLANS) {
    const found = existing.data.find((price) => price.lookup_key === plan.lookupKey);
    if (found) {
      console.log(`${plan.lookupKey}: exists (${found.id}, ${found.product.name})`);
      continue;
    }
    const product = await stripe.products.create({ name: plan.name, description: plan.description, metadata: { app: 'saas-subscriptions' } });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: plan.unitAmount,
      recurring: { interval: 'month' },
      lookup_key: plan.lookupKey,
    });
    console.log(`${plan.lookupKey}: created ${product.id} and ${price.id}`);
  }
}

seed().catch((error) => {
  console.error(`seed failed: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`);
  process.exit(1);
});
