import Stripe from 'stripe';
import { flushLoops, subscribeThroughGateway } from '../helpers/billing';
import { startStack, type Stack } from '../helpers/stack';

/**
 * `customers.del` ends the customer's subscriptions at once, as Stripe does
 * (docs/stripe-billing-contract.md §1): a SaaS app that deletes an account must not leave Loops
 * charging it. The subscriptions end in Loops, their `customer.subscription.deleted` carries the
 * delete's request, and a Loops failure leaves the customer as it was.
 */
describe('deleting a customer cancels its subscriptions', () => {
  let stack: Stack;
  let stripe: Stripe;

  beforeEach(async () => {
    stack = await startStack();
    stripe = stack.stripe({ maxNetworkRetries: 0 });
  });
  afterEach(() => stack?.close());

  const loopsStatus = async (id: string): Promise<string> => (await stack.loops.api('GET', `/api/v3/subscriptions/${id}`)).json.status;

  it('ends every live subscription in Loops first, each with a customer.subscription.deleted carrying the delete request', async () => {
    const customer = (await stripe.customers.create({ email: 'leaving@example.com' })).id;
    const other = (await stripe.customers.create({ email: 'staying@example.com' })).id;
    const first = (await subscribeThroughGateway(stack, stripe, { customer })).subscription;
    const second = (await subscribeThroughGateway(stack, stripe, { customer })).subscription;
    const kept = (await subscribeThroughGateway(stack, stripe, { customer: other })).subscription;

    const deleted = await stripe.customers.del(customer);
    expect(deleted).toMatchObject({ id: customer, deleted: true });
    const requestId = deleted.lastResponse.requestId;

    for (const id of [first, second]) {
      expect(await loopsStatus(id)).toBe('canceled');
      expect(await stripe.subscriptions.retrieve(id)).toMatchObject({ status: 'canceled', customer });
    }
    expect(await loopsStatus(kept)).toBe('active');
    await flushLoops(stack);
    const events = (await stripe.events.list({ types: ['customer.subscription.deleted', 'customer.deleted'], limit: 100 })).data;
    const deletions = events.filter((event) => event.type === 'customer.subscription.deleted');
    expect(deletions.map((event) => (event.data.object as Stripe.Subscription).id).sort()).toEqual([first, second].sort());
    for (const event of deletions) expect(event.request?.id).toBe(requestId);
    // Newest first: the customer's deletion comes after its subscriptions'.
    expect(events[0]).toMatchObject({ type: 'customer.deleted', data: { object: { id: customer } } });
  });

  it('a Loops failure while ending them leaves the customer as it was; the retried delete finishes', async () => {
    const customer = (await stripe.customers.create({ email: 'retry@example.com' })).id;
    const subscription = (await subscribeThroughGateway(stack, stripe, { customer })).subscription;
    await stack.loops.admin('POST', '/_emulator/faults', { method: 'DELETE', path: '/api/v3/subscriptions/*', mode: 'error', status: 503 });
    await expect(stripe.customers.del(customer)).rejects.toMatchObject({ statusCode: 502 });
    expect(await stripe.customers.retrieve(customer)).toMatchObject({ id: customer, email: 'retry@example.com' });
    expect(await loopsStatus(subscription)).toBe('active');

    await stack.loops.admin('DELETE', '/_emulator/faults');
    expect(await stripe.customers.del(customer)).toMatchObject({ deleted: true });
    expect(await loopsStatus(subscription)).toBe('canceled');
  });
});
