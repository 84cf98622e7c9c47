import { GatewayError } from '../../src/errors';
import { loopsSubscriptionData } from '../../src/translate/subscription-data';

const ALL_ON = { subscriptions: true, customerPortal: true, trials: true };
const NOW = 1_800_000_000;

describe('loopsSubscriptionData: Stripe’s subscription_data as Loops’ (docs/loops-contract.md §8.3)', () => {
  it('passes a trial and the subscription’s metadata; keeps the description out; sends nothing for nothing', () => {
    expect(loopsSubscriptionData({ trial_period_days: 14, metadata: { team: 'acme', blank: '' }, description: 'Pro' }, NOW, ALL_ON)).toEqual({
      trial_period_days: 14,
      metadata: { team: 'acme' },
    });
    expect(loopsSubscriptionData({ trial_end: NOW + 3 * 86_400 }, NOW, ALL_ON)).toEqual({ trial_end: NOW + 3 * 86_400 });
    expect(loopsSubscriptionData({ description: 'only' }, NOW, ALL_ON)).toBeUndefined();
    expect(loopsSubscriptionData(undefined, NOW, ALL_ON)).toBeUndefined();
  });

  it.each([
    ['both trial forms', { trial_period_days: 7, trial_end: NOW + 10 * 86_400 }, 'subscription_data[trial_end]'],
    ['a trial end 47 hours ahead', { trial_end: NOW + 47 * 3600 }, 'subscription_data[trial_end]'],
    ['a trial end 731 days ahead', { trial_end: NOW + 731 * 86_400 }, 'subscription_data[trial_end]'],
    [
      'metadata over Loops’ 5 KB',
      { metadata: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'x'.repeat(300)])) },
      'subscription_data[metadata]',
    ],
  ])('refuses %s, naming the parameter', (_what, data, param) => {
    expect(() => loopsSubscriptionData(data, NOW, ALL_ON)).toThrow(expect.objectContaining({ param }) as GatewayError);
  });

  it('refuses a trial when LOOPS_TRIALS is off, but not metadata', () => {
    const off = { ...ALL_ON, trials: false };
    expect(() => loopsSubscriptionData({ trial_period_days: 3 }, NOW, off)).toThrow(
      expect.objectContaining({ errorName: 'loops_contract_off' }) as GatewayError,
    );
    expect(loopsSubscriptionData({ metadata: { a: '1' } }, NOW, off)).toEqual({ metadata: { a: '1' } });
  });
});
