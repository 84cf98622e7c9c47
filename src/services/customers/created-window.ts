import type { CreatedFilter } from '../../stripe/params/list-params';
import type { SearchQuery } from '../../stripe/params/search-query';
import { WHOLE_HISTORY, type CreatedWindow } from '../../store/customer-store';

/** Inclusive bounds in Stripe's seconds. */
interface SecondsBounds {
  gte: number;
  lte: number;
}

const UNBOUNDED: SecondsBounds = { gte: -Infinity, lte: Infinity };

/**
 * The creation times a `created` filter or a search's `created` clauses allow, as a window of the
 * customer indexes (scored in ms): the index is cut to it instead of walked, so a filter for last
 * week costs the same however long the tenant's history is. `created` is the floor of the ms.
 */
function toWindow(bounds: SecondsBounds): CreatedWindow {
  return { minMs: bounds.gte * 1000, maxMs: bounds.lte === Infinity ? Infinity : bounds.lte * 1000 + 999 };
}

function narrow(bounds: SecondsBounds, operator: string, seconds: number): SecondsBounds {
  switch (operator) {
    case ':':
      return { gte: Math.max(bounds.gte, seconds), lte: Math.min(bounds.lte, seconds) };
    case '>':
      return { ...bounds, gte: Math.max(bounds.gte, seconds + 1) };
    case '>=':
      return { ...bounds, gte: Math.max(bounds.gte, seconds) };
    case '<':
      return { ...bounds, lte: Math.min(bounds.lte, seconds - 1) };
    case '<=':
      return { ...bounds, lte: Math.min(bounds.lte, seconds) };
    default:
      return bounds;
  }
}

/** `created=N` or `created[gt|gte|lt|lte]` of a list. */
export function windowOfCreatedFilter(filter: CreatedFilter | undefined): CreatedWindow {
  if (filter === undefined) return WHOLE_HISTORY;
  if (typeof filter === 'number') return toWindow(narrow(UNBOUNDED, ':', filter));
  let bounds = UNBOUNDED;
  if (filter.gt !== undefined) bounds = narrow(bounds, '>', filter.gt);
  if (filter.gte !== undefined) bounds = narrow(bounds, '>=', filter.gte);
  if (filter.lt !== undefined) bounds = narrow(bounds, '<', filter.lt);
  if (filter.lte !== undefined) bounds = narrow(bounds, '<=', filter.lte);
  return toWindow(bounds);
}

/**
 * The window a search's `created` clauses imply. Only clauses every match must satisfy narrow it:
 * with AND, each plain (not negated) numeric `created` clause; with OR, none (the query still
 * checks every clause on each customer, so the window only saves reading).
 */
export function windowOfSearch(query: SearchQuery): CreatedWindow {
  if (query.joiner !== 'AND') return WHOLE_HISTORY;
  let bounds = UNBOUNDED;
  for (const clause of query.clauses) {
    if (clause.field === 'created' && !clause.negated && typeof clause.value === 'number') bounds = narrow(bounds, clause.operator, clause.value);
  }
  return bounds === UNBOUNDED ? WHOLE_HISTORY : toWindow(bounds);
}
