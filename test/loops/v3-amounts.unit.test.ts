import { LOOPS_CONTRACT } from '../../src/loops/contract-choices';
import { fromLoopsV3Amount, toLoopsV3Amount } from '../../src/loops/v3-amounts';

/** docs/loops-contract.md §7.4: the units of V3 amounts, ISK included, are one switch each. */
describe('Stripe amounts ↔ Loops V3 amounts', () => {
  it('by default sends Stripe minor units as they are, ISK included (Stripe counts it in hundredths)', () => {
    expect(LOOPS_CONTRACT.v3IskMinorUnits).toBe('stripe');
    expect(toLoopsV3Amount(2000, 'usd')).toBe(2000);
    expect(toLoopsV3Amount(3500, 'jpy')).toBe(3500);
    expect(toLoopsV3Amount(50_000, 'isk')).toBe(50_000);
    expect(fromLoopsV3Amount(50_000, 'isk')).toBe(50_000);
  });

  it("if Loops' minor units of ISK turn out to be ISO's whole krónur, only ISK changes", () => {
    const iso = { v3AmountsInMinorUnits: true, v3IskMinorUnits: 'iso' as const };
    expect(toLoopsV3Amount(50_000, 'ISK', iso)).toBe(500);
    expect(fromLoopsV3Amount(500, 'isk', iso)).toBe(50_000);
    expect(toLoopsV3Amount(2000, 'usd', iso)).toBe(2000);
  });

  it('if V3 turns out to take major units, every currency converts by its Stripe exponent', () => {
    const major = { v3AmountsInMinorUnits: false, v3IskMinorUnits: 'stripe' as const };
    expect(toLoopsV3Amount(2999, 'usd', major)).toBe(29.99);
    expect(toLoopsV3Amount(5120, 'kwd', major)).toBe(5.12);
    expect(fromLoopsV3Amount(29.99, 'usd', major)).toBe(2999);
  });
});
