import { currencyExponent, majorToMinor, minorToMajor } from '../../src/stripe/money';

describe('money', () => {
  it('knows zero-, two- and three-decimal currencies', () => {
    expect(['JPY', 'krw', 'usd', 'EUR', 'kwd', 'BHD'].map(currencyExponent)).toEqual([0, 0, 2, 2, 3, 3]);
  });

  it('converts between Loops V1/V2 major units and Stripe minor units without float drift', () => {
    expect(majorToMinor(29.99, 'usd')).toBe(2999);
    expect(majorToMinor(0.29, 'usd')).toBe(29);
    expect(majorToMinor(500, 'jpy')).toBe(500);
    expect(majorToMinor(1.234, 'kwd')).toBe(1234);
    expect(minorToMajor(2999, 'usd')).toBe(29.99);
    expect(minorToMajor(500, 'JPY')).toBe(500);
    for (let cents = 0; cents < 100_000; cents += 7) expect(majorToMinor(minorToMajor(cents, 'usd'), 'usd')).toBe(cents);
  });
});
