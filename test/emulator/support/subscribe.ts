import type { Harness } from './harness';

export const DAY = 86_400;

/** A yearly plan beside harness.ts's MONTHLY_PRODUCT (1500 USD a month). */
export const YEARLY_PRODUCT = { id: 'prod_pro_yearly', defaultPriceId: 'price_pro_yearly', name: 'Pro yearly', priceAmount: 15000, priceCurrency: 'USD', recurringInterval: 'year' as const };

/**
 * Buys a subscription the way a customer would: a V3 subscription-mode session, completed with
 * what the customer typed. Returns the completed session and the subscription it created.
 */
export async function subscribe(h: Harness, body: Record<string, unknown> = {}, details: Record<string, string> = {}): Promise<{ session: any; subscription: any }> {
  const created = await h.api('POST', '/api/v3/checkout/sessions', {
    mode: 'subscription',
    line_items: [{ price: 'price_pro_monthly', quantity: 1 }],
    externalCustomerId: 'cust_42',
    customer_email: 'ada@example.com',
    ...body,
  });
  if (created.status !== 200) throw new Error(`session create failed: ${JSON.stringify(created.body)}`);
  const completed = await h.admin('POST', `/_emulator/sessions/${created.body.id}/complete`, details);
  if (completed.status !== 200) throw new Error(`complete failed: ${JSON.stringify(completed.body)}`);
  const subscription = await h.api('GET', `/api/v3/subscriptions/${completed.body.subscription}`);
  return { session: completed.body, subscription: subscription.body };
}

/** The test clock (docs/loops-contract.md §8.5); answers once the events it caused had their first delivery attempt. */
export async function advance(h: Harness, seconds: number): Promise<{ now: number; events: Array<{ id: string; type: string; created: number; object: string }> }> {
  const reply = await h.admin('POST', '/_emulator/clock/advance', { seconds });
  if (reply.status !== 200) throw new Error(`advance failed: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Seconds from the emulator's now until `unixSeconds`, plus `extra`. */
export async function secondsUntil(h: Harness, unixSeconds: number, extra = 0): Promise<number> {
  const { now } = (await h.admin('GET', '/_emulator/clock')).body;
  return Math.max(0, unixSeconds - now + extra);
}

/** Calendar months after `unixSeconds`, clamped to the month's last day (as the emulator counts periods). */
export function addMonths(unixSeconds: number, months: number): number {
  const date = new Date(unixSeconds * 1000);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  return target.getTime() / 1000;
}
