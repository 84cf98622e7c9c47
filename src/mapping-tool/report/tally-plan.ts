import type { PlanItem } from '../plan/plan';
import type { MappingResult } from './mapping-result';

/** Counts and lists everything decided before any create. */
export function tallyPlan(items: PlanItem[], result: MappingResult): void {
  result.counts.total = items.length;
  for (const item of items) {
    if ('notes' in item) for (const note of item.notes) result.notes.push({ priceId: item.priceId, note });
    switch (item.action) {
      case 'keep':
        result.counts.kept++;
        break;
      case 'link':
        result.counts.linked++;
        result.linked.push({ priceId: item.priceId, loopsProductId: item.entry.loopsProductId ?? '' });
        break;
      case 'skip':
        result.counts.skipped++;
        result.skipped.push({ priceId: item.priceId, code: item.code, reason: item.reason });
        break;
      case 'fail':
        result.counts.failed++;
        result.failed.push({ priceId: item.priceId, reason: item.reason });
        break;
      case 'create':
        result.planned.push({ priceId: item.priceId, label: item.label });
        break;
    }
  }
}
