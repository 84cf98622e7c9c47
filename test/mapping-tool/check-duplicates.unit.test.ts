import type { LoopsV3Product } from '../../src/loops/loops-schemas';
import type { MappingEntry } from '../../src/mappings/mapping-file';
import { compareCanonical, decideLink } from '../../src/mapping-tool/loops/match-loops-product';
import { checkDuplicates } from '../../src/mapping-tool/run/check-duplicates';

const product = (id: string, created: number, extra: Partial<LoopsV3Product> = {}): LoopsV3Product => ({
  id,
  name: 'Tea',
  default_price: `${id}_price`,
  priceAmount: '500',
  priceCurrency: 'JPY',
  recurringInterval: null,
  active: true,
  created,
  metadata: { stripe_price_id: 'price_tea' },
  ...extra,
});

const entry = (loopsProductId: string): MappingEntry => ({
  loopsProductId,
  loopsPriceId: `${loopsProductId}_price`,
  stripeProductId: 'prod_tea',
  productName: 'Tea',
  currency: 'jpy',
  unitAmount: 500,
  recurring: null,
  nickname: 'hand-edited',
});

describe('duplicate Loops products for one price (two runs raced, Loops ignored the key)', () => {
  it('every run picks the same one: the earliest created, then the lowest id, whatever the listing order', () => {
    const a = product('prod_b', 100);
    const b = product('prod_a', 101);
    const c = product('prod_c', 100);
    expect([b, c, a].sort(compareCanonical).map((p) => p.id)).toEqual(['prod_b', 'prod_c', 'prod_a']);
    const terms = { unitAmount: 500, currency: 'jpy', recurring: null };
    expect(decideLink([b, c, a], terms, 'price_tea')).toMatchObject({ kind: 'link', product: { id: 'prod_b' } });
    expect(decideLink([a, c, b], terms, 'price_tea')).toMatchObject({ kind: 'link', product: { id: 'prod_b' } });
  });

  it('re-points this run’s entry at the canonical product (keeping the rest of the entry) and reports the extras', () => {
    const mine = product('prod_mine', 200);
    const theirs = product('prod_theirs', 199);
    const check = checkDuplicates(['price_tea'], { price_tea: entry('prod_mine') }, () => [mine, theirs]);
    expect(check.rewrites).toEqual([{ priceId: 'price_tea', entry: { ...entry('prod_theirs') } }]);
    expect(check.findings).toEqual([{ priceId: 'price_tea', mappedTo: 'prod_theirs', extras: ['prod_mine'], switchedFrom: 'prod_mine' }]);

    // The other run, seeing the same two, keeps its own and reports the same extra.
    const other = checkDuplicates(['price_tea'], { price_tea: entry('prod_theirs') }, () => [theirs, mine]);
    expect(other.rewrites).toEqual([]);
    expect(other.findings).toEqual([{ priceId: 'price_tea', mappedTo: 'prod_theirs', extras: ['prod_mine'], switchedFrom: undefined }]);
  });

  it('a run that saw only its own product chose the earlier one already: the later run agrees with it', () => {
    const early = product('prod_z_early', 100);
    const late = product('prod_a_late', 101);
    // The first run finished before the second created anything: one product, nothing to report.
    expect(checkDuplicates(['price_tea'], { price_tea: entry('prod_z_early') }, () => [early])).toEqual({ findings: [], rewrites: [] });
    // The second run sees both and moves to the first run's product, despite its lower id.
    const second = checkDuplicates(['price_tea'], { price_tea: entry('prod_a_late') }, () => [late, early]);
    expect(second.rewrites.map((r) => r.entry.loopsProductId)).toEqual(['prod_z_early']);
  });

  it('archived extras and products that charge something else are not chosen; archived ones are not reported', () => {
    const archived = product('prod_old', 1, { active: false, status: 'INACTIVE' });
    const wrong = product('prod_wrong', 2, { priceAmount: '999' });
    const mine = product('prod_mine', 3);
    const check = checkDuplicates(['price_tea'], { price_tea: entry('prod_mine') }, () => [archived, wrong, mine]);
    expect(check.rewrites).toEqual([]);
    expect(check.findings).toEqual([{ priceId: 'price_tea', mappedTo: 'prod_mine', extras: ['prod_wrong'], switchedFrom: undefined }]);
    expect(checkDuplicates(['price_tea'], { price_tea: entry('prod_mine') }, () => [archived, mine]).findings).toEqual([]);
  });
});
