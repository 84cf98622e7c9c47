import { hostedUiMode, isWellFormedStripeVersion, usesAllowedPaymentMethodTypes } from '../../src/stripe/api-version';

describe('Stripe-Version (docs/stripe-checkout-contract.md §0.9)', () => {
  it('accepts YYYY-MM-DD with an optional release name, nothing else', () => {
    for (const good of ['2026-10-28.endive', '2024-06-20', '2025-04-30.basil', '2020-08-27']) expect(isWellFormedStripeVersion(good)).toBe(true);
    for (const bad of [
      'banana',
      '',
      '2024-13-01',
      '2024-02-30',
      '2024-06-20.',
      '2024-06-20.Endive',
      '2024-06-20 endive',
      ' 2024-06-20',
      '20240620',
      '2024-06-20; x=y',
    ]) {
      expect(isWellFormedStripeVersion(bad)).toBe(false);
    }
  });

  it('names the hosted ui_mode and the payment-method parameter per version', () => {
    expect([hostedUiMode('2026-03-24'), hostedUiMode('2026-03-25.dahlia'), hostedUiMode('2026-10-28.endive')]).toEqual([
      'hosted',
      'hosted_page',
      'hosted_page',
    ]);
    expect([usesAllowedPaymentMethodTypes('2026-09-29'), usesAllowedPaymentMethodTypes('2026-09-30.endive')]).toEqual([false, true]);
  });
});
