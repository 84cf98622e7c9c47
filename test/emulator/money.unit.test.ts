import { currencyExponent, formatMajor, toMajor, toMinor } from '../../src/emulator/money';

describe('money (docs/loops-contract.md §3.1 major units vs §3.2 minor units)', () => {
  it('knows zero-, two- and three-decimal currencies, in any case', () => {
    expect(['JPY', 'krw', 'XOF', 'VND', 'CLP'].map(currencyExponent)).toEqual([0, 0, 0, 0, 0]);
    expect(['USD', 'eur', 'GBP'].map(currencyExponent)).toEqual([2, 2, 2]);
    expect(['KWD', 'bhd', 'JOD', 'OMR', 'TND'].map(currencyExponent)).toEqual([3, 3, 3, 3, 3]);
  });

  it('converts minor to major without float noise', () => {
    expect(toMajor(2999, 'USD')).toBe(29.99);
    expect(toMajor(10, 'USD')).toBe(0.1);
    expect(toMajor(500, 'JPY')).toBe(500);
    expect(toMajor(3250, 'KWD')).toBe(3.25);
    expect(toMajor(1, 'KWD')).toBe(0.001);
  });

  it('converts major to minor and refuses amounts finer than the currency allows', () => {
    expect(toMinor(29.99, 'USD')).toBe(2999);
    expect(toMinor(0.29, 'USD')).toBe(29);
    expect(toMinor(500, 'JPY')).toBe(500);
    expect(toMinor(3.25, 'KWD')).toBe(3250);
    expect(toMinor(29.999, 'USD')).toBeUndefined();
    expect(toMinor(0.5, 'JPY')).toBeUndefined();
    expect(toMinor(1.0001, 'KWD')).toBeUndefined();
  });

  it('round-trips every two-decimal amount up to 1000.00', () => {
    const broken: number[] = [];
    for (let minor = 0; minor <= 100_000; minor += 1) if (toMinor(toMajor(minor, 'USD'), 'USD') !== minor) broken.push(minor);
    expect(broken).toEqual([]);
  });

  it('formats for display with the currency’s decimals', () => {
    expect(formatMajor(2999, 'USD')).toBe('29.99');
    expect(formatMajor(500, 'JPY')).toBe('500');
    expect(formatMajor(3000, 'KWD')).toBe('3.000');
  });
});
