// The plans this app sells. seed.js creates them in Stripe; the pricing page lists them by lookup key.
'use strict';

exports.PLANS = [
  { lookupKey: 'starter_monthly', name: 'Starter', description: 'For side projects: 3 projects, community support', unitAmount: 900 },
  { lookupKey: 'pro_monthly', name: 'Pro', description: 'For teams: unlimited projects, priority support', unitAmount: 2900 },
];

exports.TRIAL_DAYS = 14;
