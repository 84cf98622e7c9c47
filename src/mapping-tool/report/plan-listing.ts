import type { PlanItem } from '../plan/plan';
import { table } from './summary';

/**
 * `--dry-run`: one line per price that would change (create, link) or not be mapped (skip, fail).
 * Kept prices are only counted: they are what the file already says.
 */
export function renderPlan(items: PlanItem[]): string {
  const rows: string[][] = [];
  let kept = 0;
  for (const item of items) {
    switch (item.action) {
      case 'keep':
        kept++;
        break;
      case 'create':
        rows.push(['create', item.priceId, item.label]);
        break;
      case 'link':
        rows.push(['link', item.priceId, `→ ${item.entry.loopsProductId ?? ''}`]);
        break;
      case 'skip':
        rows.push(['skip', item.priceId, item.reason]);
        break;
      case 'fail':
        rows.push(['fail', item.priceId, item.reason]);
        break;
    }
  }
  const lines = ['Plan:', ...table(['action', 'price', 'detail'], rows).map((line) => `  ${line}`)];
  if (kept > 0) lines.push(`  (and ${kept} price(s) kept as the mapping file has them)`);
  return lines.join('\n');
}
