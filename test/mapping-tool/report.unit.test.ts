import { emptyCounts, exitCodeOf, type MappingResult } from '../../src/mapping-tool/report/mapping-result';
import { createProgress } from '../../src/mapping-tool/report/progress';
import { renderSummary } from '../../src/mapping-tool/report/summary';

function result(overrides: Partial<MappingResult> = {}): MappingResult {
  return {
    tenantId: 'acme',
    dryRun: false,
    counts: { ...emptyCounts(4), created: 1, skipped: 2, failed: 1 },
    created: [{ priceId: 'price_c', loopsProductId: 'prod_c', label: 'C', foundOnRecheck: false }],
    linked: [],
    planned: [],
    skipped: [
      { priceId: 'price_w', code: 'interval', reason: 'bills every week: Loops recurs monthly or yearly only' },
      { priceId: 'price_t', code: 'tiered', reason: 'tiered pricing' },
    ],
    failed: [{ priceId: 'price_f', reason: 'Loops rejected the product: HTTP 400' }],
    duplicates: [],
    notes: [],
    warnings: [],
    notices: [],
    unlocked: false,
    aborted: undefined,
    sink: { fileWritten: true, loaded: true, loadError: undefined, writes: 1 },
    mappingFile: 'mappings/acme.json',
    seconds: 1.25,
    ...overrides,
  };
}

describe('summary and exit status', () => {
  it('tabulates every outcome with the reasons', () => {
    const text = renderSummary(result());
    expect(text).toMatch(/outcome\s+prices\s+meaning/);
    expect(text).toMatch(/created\s+1\s/);
    expect(text).toMatch(/Skipped: interval \(1\)\n.*\n.*\n\s+price_w\s+bills every week/);
    expect(text).toMatch(/Failed \(1\)\n.*\n.*\n\s+price_f\s+Loops rejected the product/);
    expect(text).toContain('Wrote mappings/acme.json');
    expect(text).toContain('Loaded into Redis for tenant acme.');
  });

  it('exits 0 when all is mapped or skipped, 1 on failures or a failed load, 3 when stopped', () => {
    expect(exitCodeOf(result({ failed: [] }))).toBe(0);
    expect(exitCodeOf(result())).toBe(1);
    expect(exitCodeOf(result({ failed: [], sink: { fileWritten: true, loaded: false, loadError: 'down', writes: 1 } }))).toBe(1);
    expect(exitCodeOf(result({ aborted: 'Loops said 401' }))).toBe(3);
  });

  it('exits 1 when the catalog read was incomplete (truncated export, unreadable object, price without product)', () => {
    const clean = { failed: [], skipped: [] };
    expect(exitCodeOf(result({ ...clean, warnings: ['export.json holds a list page with has_more: true; …'] }))).toBe(1);
    expect(exitCodeOf(result({ ...clean, skipped: [{ priceId: '(no id)', code: 'unreadable', reason: 'could not read it' }] }))).toBe(1);
    expect(exitCodeOf(result({ ...clean, skipped: [{ priceId: 'price_x', code: 'product_missing', reason: 'no product' }] }))).toBe(1);
    // A notice (e.g. only default prices exported) is worth saying, not a failure.
    expect(exitCodeOf(result({ ...clean, notices: ['only default prices'] }))).toBe(0);
  });

  it('exits 1 and lists the extras when a price has duplicate Loops products', () => {
    const duplicates = [{ priceId: 'price_c', mappedTo: 'prod_a', extras: ['prod_b'], switchedFrom: 'prod_b' }];
    const withDuplicates = result({ failed: [], duplicates });
    expect(exitCodeOf(withDuplicates)).toBe(1);
    const text = renderSummary(withDuplicates);
    expect(text).toMatch(/Duplicate Loops products \(1 price\(s\)\)[^\n]*\n.*\n.*\n\s+price_c\s+prod_a\s+prod_b/);
    expect(text).toContain('1 price(s) were re-pointed to it');
    expect(text).toContain('archive the extras listed above (exit status 1)');
  });

  it('lists at most ten rows per reason', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ priceId: `price_${i}`, code: 'tiered' as const, reason: 'tiered pricing' }));
    expect(renderSummary(result({ skipped: many }))).toContain('… and 15 more');
  });
});

describe('progress', () => {
  const counts = { ...emptyCounts(10), created: 4, skipped: 1 };

  it('draws a bar in place on a terminal', () => {
    let out = '';
    let now = 0;
    const progress = createProgress({ write: (t: string) => (out += t) }, true, () => now);
    now = 1000;
    progress.update(counts);
    expect(out).toMatch(/^\r\x1b\[2K\[#{14}-{14}\] 50% 5\/10 5\/s · created 4/);
    progress.note('retrying price_x');
    expect(out).toContain('\r\x1b[2Kretrying price_x\n\r\x1b[2K[');
  });

  it('prints plain lines, a few seconds apart, elsewhere', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgress({ write: (t: string) => lines.push(t) }, false, () => now, 2000);
    now = 2500;
    progress.update(counts);
    now = 3000;
    progress.update(counts);
    progress.finish({ ...counts, created: 9 });
    expect(lines).toEqual([expect.stringMatching(/^progress 5\/10 \(50%\) created 4/), expect.stringMatching(/^progress 10\/10 \(100%\)/)]);
    expect(lines.join('')).not.toContain('\r');
  });
});
