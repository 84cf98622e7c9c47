import { addDays, addIntervals } from '../../src/emulator/billing-period';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('billing periods (docs/loops-contract.md §8.1 [chosen], as Stripe anchors them)', () => {
  it('counts months from the anchor, clamping to the month end without drifting', () => {
    const anchor = at('2025-01-31T10:20:30.000Z');
    expect([1, 2, 3, 4, 13].map((n) => iso(addIntervals(anchor, 'month', n)))).toEqual([
      '2025-02-28T10:20:30.000Z',
      '2025-03-31T10:20:30.000Z',
      '2025-04-30T10:20:30.000Z',
      '2025-05-31T10:20:30.000Z',
      '2026-02-28T10:20:30.000Z',
    ]);
    expect(iso(addIntervals(at('2024-01-31T00:00:00.000Z'), 'month', 1))).toBe('2024-02-29T00:00:00.000Z');
  });

  it('years keep the date, a 29 February becoming 28 February in common years', () => {
    const leap = at('2024-02-29T23:59:59.000Z');
    expect([1, 4].map((n) => iso(addIntervals(leap, 'year', n)))).toEqual(['2025-02-28T23:59:59.000Z', '2028-02-29T23:59:59.000Z']);
    expect(iso(addIntervals(at('2025-12-15T08:00:00.000Z'), 'month', 1))).toBe('2026-01-15T08:00:00.000Z');
  });

  it('zero intervals is the anchor; days are exact 24-hour steps', () => {
    const anchor = at('2025-03-30T01:30:00.000Z');
    expect(addIntervals(anchor, 'month', 0)).toBe(anchor);
    expect(iso(addDays(anchor, 3))).toBe('2025-04-02T01:30:00.000Z');
  });
});
