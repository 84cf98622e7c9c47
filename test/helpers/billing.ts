import type Stripe from 'stripe';
import { readMappingFile } from '../../src/mappings/mapping-files';
import type { MerchantReceiver } from './merchant-receiver';
import type { EmulatorAdmin, Stack } from './stack';

export const DAY = 86_400;

/**
 * The gateway's clock, movable to follow the emulator's test clock. Loops webhooks are signed with
 * real time (docs/emulator.md "Webhooks"), so the gateway runs on real time by default and is only
 * moved for a call that must see the emulator's time (the subscription sweep).
 */
export function movableClock() {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    async at<T>(offsetSeconds: number, work: () => Promise<T>): Promise<T> {
      offsetMs = offsetSeconds * 1000;
      try {
        return await work();
      } finally {
        offsetMs = 0;
      }
    },
  };
}

/** The emulator's test clock (docs/loops-contract.md §8.5); answers once the webhooks it caused had their first delivery attempt. */
export async function advance(
  stack: Stack,
  seconds: number,
): Promise<{ now: number; offsetSeconds: number; events: { type: string; object: string }[] }> {
  const reply = await stack.loops.admin('POST', '/_emulator/clock/advance', { seconds });
  if (reply.status !== 200) throw new Error(`advance failed: ${JSON.stringify(reply.json)}`);
  return reply.json;
}

export async function emulatorNow(stack: Stack): Promise<{ now: number; offsetSeconds: number }> {
  return (await stack.loops.admin('GET', '/_emulator/clock')).json;
}

/** Waits until every Loops webhook sent so far had its first delivery attempt (API calls never wait for them). */
export async function flushLoops(stack: Stack): Promise<void> {
  await stack.loops.admin('POST', '/_emulator/webhooks/flush');
}

/**
 * A subscription bought through the gateway as a merchant's checkout would: a subscription-mode
 * session for a recurring price, completed on Loops' side with what the customer typed.
 */
export async function subscribeThroughGateway(
  stack: Stack,
  stripe: Stripe,
  options: { customer?: string; price?: string; quantity?: number; email?: string } = {},
): Promise<{ session: string; subscription: string }> {
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: options.price ?? 'price_pro_monthly', quantity: options.quantity ?? 1 }],
    ...(options.customer ? { customer: options.customer } : {}),
    success_url: 'https://shop.example/done',
  });
  const completed = await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`, {
    email: options.email ?? 'ada@example.com',
    name: 'Ada',
  });
  if (completed.status !== 200) throw new Error(`complete failed: ${JSON.stringify(completed.json)}`);
  await flushLoops(stack);
  return { session: session.id, subscription: completed.json.subscription };
}

/**
 * A subscription made straight on Loops (what the gateway's checkout cannot make yet: a trial),
 * from the Loops product a Stripe price is mapped to.
 */
export async function subscribeOnLoops(
  stack: Stack,
  body: { externalCustomerId?: string; subscription_data?: Record<string, unknown>; price?: string; quantity?: number } = {},
): Promise<{ session: string; subscription: string }> {
  const file = await readMappingFile(stack.mappingsDir, 'default');
  const mapped = file.prices[body.price ?? 'price_pro_monthly'];
  if (!mapped?.loopsPriceId) throw new Error('the catalog should map the price to a Loops price');
  const created = await stack.loops.api('POST', '/api/v3/checkout/sessions', {
    mode: 'subscription',
    line_items: [{ price: mapped.loopsPriceId, quantity: body.quantity ?? 1 }],
    externalCustomerId: body.externalCustomerId ?? 'cus_loops_direct',
    customer_email: 'grace@example.com',
    ...(body.subscription_data ? { subscription_data: body.subscription_data } : {}),
  });
  if (created.status !== 200) throw new Error(`Loops create failed: ${JSON.stringify(created.json)}`);
  const completed = await stack.loops.admin('POST', `/_emulator/sessions/${created.json.id}/complete`, {});
  if (completed.status !== 200) throw new Error(`complete failed: ${JSON.stringify(completed.json)}`);
  await flushLoops(stack);
  return { session: created.json.id, subscription: completed.json.subscription };
}

/**
 * The Stripe events the merchant's endpoint accepted about one subscription (its own and its
 * invoices'), in arrival order; with `customer`, also the charges of that customer (a renewal's
 * charge names no subscription).
 */
export function eventsAbout(receiver: MerchantReceiver, id: string, customer?: string): Stripe.Event[] {
  return receiver.accepted().filter((event) => {
    const object = event.data.object as {
      id?: string;
      object?: string;
      customer?: string;
      parent?: { subscription_details?: { subscription?: string } };
    };
    if (object.object === 'charge') return customer !== undefined && object.customer === customer;
    return object.id === id || object.parent?.subscription_details?.subscription === id;
  });
}

/**
 * Waits until the merchant has at least these counts of events about a subscription (its own,
 * its invoices', its customer's charges), lets anything that should not come (a second copy)
 * arrive, then expects exactly these counts. Counts, not an order: delivery order is not
 * guaranteed (docs/stripe-billing-contract.md §10.1).
 */
export async function expectEventCounts(receiver: MerchantReceiver, id: string, customer: string, counts: Record<string, number>): Promise<void> {
  await receiver.waitFor(() => {
    const seen = countTypes(eventsAbout(receiver, id, customer));
    return Object.entries(counts).every(([type, count]) => (seen[type] ?? 0) >= count);
  });
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(countTypes(eventsAbout(receiver, id, customer))).toEqual(counts);
}

/**
 * A subscription (and its first invoice) for the route suites: bought through the gateway's
 * checkout with Loops' webhooks off, brought in by the gateway's first read of it.
 */
export async function subscriptionReadBack(stack: { loops: EmulatorAdmin }, stripe: Stripe): Promise<{ subscription: string; invoice: string }> {
  const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_pro_monthly', quantity: 1 }] });
  const completed = await stack.loops.admin('POST', `/_emulator/sessions/${session.id}/complete`, {});
  const subscription = await stripe.subscriptions.retrieve(String(completed.json.subscription));
  return { subscription: subscription.id, invoice: String(subscription.latest_invoice) };
}

/** Event types per type, counted (delivery order is not guaranteed, §10.1). */
export function countTypes(events: Stripe.Event[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}
