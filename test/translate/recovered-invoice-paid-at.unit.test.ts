import { addIntervals } from '../../src/translate/billing-period';
import { planSubscriptionSync } from '../../src/translate/plan-subscription-sync';
import { DAY, T0, firstPlan, loopsSub, stored } from '../helpers/subscription-records';

/**
 * A renewal Loops could not charge is paid by the retry that succeeds (docs/loops-contract.md §8.1: retries
 * 1, 2, 3 days after the period end). The invoice's `status_transitions.paid_at` (and its payment's)
 * is when that retry charged, on Loops' time like every other invoice date, not when the gateway
 * happened to read it: a lost webhook found by the sweep days later, or the emulator's test clock
 * ahead of the gateway's, used to show a payment before the invoice was even created.
 */
describe('a recovered renewal invoice is paid when Loops’ retry charged', () => {
  const end = addIntervals(T0, 'month', 1);
  const failedOnce = () =>
    stored(
      planSubscriptionSync({
        previous: stored(firstPlan(loopsSub())),
        loops: loopsSub({ status: 'past_due', latest_charge: 'ch_fail1' }),
        nowSeconds: end + 5,
        charge: { id: 'ch_fail1', status: 'failed', failureMessage: 'Your card was declined.' },
      }),
    );
  const recoveredLoops = loopsSub({ current_period_start: end, current_period_end: addIntervals(T0, 'month', 2), latest_charge: 'ch_ok' });

  it.each([
    ['read days late (webhook lost, found by the sweep)', end + 10 * DAY],
    ['read on a clock behind Loops’ (the emulator’s test clock moved ahead)', T0 - DAY],
  ])('%s: paid_at is the first retry, a day after the period end', (_, nowSeconds) => {
    const recovered = planSubscriptionSync({ previous: failedOnce(), loops: recoveredLoops, nowSeconds });
    const paidEvent = recovered?.events.find((event) => event.type === 'invoice.paid');
    const invoice = paidEvent?.object as { created: number; status: string; status_transitions: { paid_at: number | null } };
    expect(invoice.status).toBe('paid');
    expect(invoice.status_transitions.paid_at).toBe(end + DAY);
    expect(invoice.status_transitions.paid_at).toBeGreaterThanOrEqual(invoice.created);
    expect(recovered?.invoices[0]).toMatchObject({ status: 'paid', paidAt: end + DAY, chargeId: 'ch_ok' });
  });

  it('after two declined attempts, the second retry (two days after the period end) paid it', () => {
    const failedTwice = stored(
      planSubscriptionSync({ previous: failedOnce(), loops: loopsSub({ status: 'past_due', latest_charge: 'ch_fail2' }), nowSeconds: end + DAY + 5 }),
    );
    const recovered = planSubscriptionSync({ previous: failedTwice, loops: recoveredLoops, nowSeconds: end + 30 * DAY });
    expect(recovered?.invoices[0]).toMatchObject({ status: 'paid', paidAt: end + 2 * DAY, failedCharges: ['ch_fail1', 'ch_fail2'] });
  });
});
