import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DAY } from '../helpers/billing';
import { TEST_KEYS, useStack } from '../helpers/stack';

/** Debian's python3-stripe lives in the system interpreter's dist-packages. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * The SaaS flow of issue 12, shorter, with Python's official `stripe` package (5.x, which sends no
 * `Stripe-Version`, so the gateway's default shapes): catalog by API, a customer, a subscription
 * checkout with a trial (completed on the Loops emulator), the subscription read back, cancel at
 * period end and back, its invoices (also in 2024-06-20's shape), cancel now.
 */
describe('the SaaS subscription flow with Python’s stripe package (python3-stripe)', () => {
  const stack = useStack({ catalog: [] });

  it('trial checkout, retrieve, modify cancel_at_period_end, list invoices, cancel: the Python objects', async () => {
    const driver = join(__dirname, '..', 'contract', 'python', 'stripe_python_subscriptions.py');
    const { stdout } = await promisify(execFile)(PYTHON, [driver, stack.url, TEST_KEYS.gateway, stack.emulator.url], { timeout: 60_000 }).catch(
      (error: { stderr?: string }) => {
        throw new Error(`python driver failed (is python3-stripe installed? .ci/run installs it):\n${error.stderr ?? String(error)}`);
      },
    );
    const report = JSON.parse(stdout);
    const { product, price, customer, session } = report.ids;
    expect([product, price, customer, session]).toEqual([
      expect.stringMatching(/^prod_/),
      expect.stringMatching(/^price_/),
      expect.stringMatching(/^cus_/),
      expect.stringMatching(/^cs_/),
    ]);
    expect(report.session_open).toEqual({ status: 'open', subscription: null, customer });

    const sub = report.session.subscription.id;
    expect(sub).toMatch(/^sub_/);
    expect(report.session).toEqual({
      class: 'Session',
      status: 'complete',
      payment_status: 'no_payment_required',
      customer_details: { email: 'ada@example.com', name: 'Ada Lovelace' },
      customer: { class: 'Customer', id: customer, name: 'Ada Lovelace' },
      subscription: { class: 'Subscription', id: sub, status: 'trialing' },
    });

    const { period_end: periodEnd, trial_end: trialEnd, ...subscription } = report.subscription;
    expect(subscription).toEqual({
      class: 'Subscription',
      id: sub,
      status: 'trialing',
      customer,
      metadata: { seat: 'ada' },
      trial_days: 7,
      item_class: 'SubscriptionItem',
      price,
      plan: price,
      top_level_period: false,
    });
    expect(periodEnd).toBe(trialEnd);
    expect(trialEnd).toBeGreaterThan(Date.now() / 1000 + 6 * DAY);

    // The merchant's own cancel_at_period_end shows as sent, with cancel_at the period end (§6.1).
    expect(report.scheduled).toEqual({ cancel_at_period_end: true, cancel_at: periodEnd, status: 'trialing' });
    expect(report.resumed).toEqual({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });

    expect(report.invoices).toEqual([
      {
        class: 'Invoice',
        id: expect.stringMatching(/^in_/),
        status: 'paid',
        amount_due: 0,
        billing_reason: 'subscription_create',
        subscription: sub,
        line_price: price,
        has_paid_field: false,
      },
    ]);
    expect(report.old_invoices).toEqual([{ subscription: sub, paid: true, line_price: price }]);
    expect(report.old_subscription).toEqual({ current_period_end: periodEnd, discount: null });

    expect(report.canceled).toEqual({ class: 'Subscription', status: 'canceled', ended_at_is_canceled_at: true, reason: 'cancellation_requested' });
    expect(report.listed_live).toEqual([]);
    expect(report.listed_canceled).toEqual([sub]);
    expect(report.cancel_again).toEqual({ class: 'InvalidRequestError', http_status: 404, code: 'resource_missing' });
    // Loops saw the same end.
    expect((await stack.loops.api('GET', `/api/v3/subscriptions/${sub}`)).json).toMatchObject({ status: 'canceled', externalCustomerId: customer });
  });
});
