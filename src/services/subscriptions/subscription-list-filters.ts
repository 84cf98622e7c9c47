import { matchesCreated, type CreatedFilter } from '../../stripe/params/list-params';
import type { ListSubscriptionsParams } from '../../stripe/params/subscription-params';
import type { SubscriptionRecord } from '../../store/subscription-record';
import type { CreatedRange, SubscriptionIndex } from '../../store/subscription-store';

/**
 * `GET /v1/subscriptions` filters (docs/stripe-billing-contract.md §6.2 List). The statuses Loops never
 * produces (`incomplete`, `incomplete_expired`, `paused`, `unpaid`) and filters on things the
 * gateway's subscriptions never have (`customer_account`, `test_clock`, `send_invoice`, automatic
 * tax) match nothing; `ended` is `canceled` (Loops has no `incomplete_expired`); no `status` is
 * Stripe's default, every subscription but the canceled ones (§0.5).
 */
export function indexesFor(params: ListSubscriptionsParams): SubscriptionIndex[] | 'none' {
  if (params.customer_account !== undefined || params.test_clock !== undefined) return 'none';
  if (params.collection_method === 'send_invoice' || params.automatic_tax?.enabled === true) return 'none';
  const candidates: SubscriptionIndex[] = [];
  switch (params.status) {
    case undefined:
      candidates.push({ kind: 'live' });
      break;
    case 'all':
      candidates.push({ kind: 'all' });
      break;
    case 'ended':
    case 'canceled':
      candidates.push({ kind: 'status', status: 'canceled' });
      break;
    case 'active':
    case 'past_due':
    case 'trialing':
      candidates.push({ kind: 'status', status: params.status });
      break;
    default:
      return 'none';
  }
  if (params.customer !== undefined) candidates.push({ kind: 'customer', customer: params.customer });
  const price = params.price ?? params.plan;
  if (params.price !== undefined && params.plan !== undefined && params.price !== params.plan) return 'none';
  if (price !== undefined) candidates.push({ kind: 'price', price });
  return candidates;
}

function statusMatches(record: SubscriptionRecord, status: ListSubscriptionsParams['status']): boolean {
  const actual = record.loops.status;
  if (status === undefined) return actual !== 'canceled';
  if (status === 'all') return true;
  if (status === 'ended') return actual === 'canceled';
  return actual === status;
}

/** Every filter, checked on each record of whichever index was walked. */
export function matchesListFilters(record: SubscriptionRecord, params: ListSubscriptionsParams): boolean {
  const price = params.price ?? params.plan;
  return (
    statusMatches(record, params.status) &&
    (params.customer === undefined || record.customer === params.customer) &&
    (price === undefined || record.price.id === price) &&
    matchesCreated(record.loops.created, params.created) &&
    // One item: its period is the min and max item period Stripe ranges over (§6.2 List).
    matchesCreated(record.loops.current_period_start, params.current_period_start) &&
    matchesCreated(record.loops.current_period_end, params.current_period_end)
  );
}

/** A `created` filter (unix seconds) as bounds on index scores (milliseconds), both inclusive. */
export function createdRange(filter: CreatedFilter | undefined): CreatedRange | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter === 'number') return { min: filter * 1000, max: filter * 1000 + 999 };
  const bounds = [filter.gte === undefined ? undefined : filter.gte * 1000, filter.gt === undefined ? undefined : (filter.gt + 1) * 1000].filter(
    (value): value is number => value !== undefined,
  );
  const uppers = [filter.lte === undefined ? undefined : filter.lte * 1000 + 999, filter.lt === undefined ? undefined : filter.lt * 1000 - 1].filter(
    (value): value is number => value !== undefined,
  );
  return {
    ...(bounds.length ? { min: Math.max(...bounds) } : {}),
    ...(uppers.length ? { max: Math.min(...uppers) } : {}),
  };
}

/** The smallest of the indexes a list may walk: every filter is checked anyway, so any one is correct. */
export async function smallestIndex<I>(candidates: I[], count: (index: I) => Promise<number>): Promise<I> {
  const sizes = await Promise.all(candidates.map(count));
  let best = 0;
  sizes.forEach((size, i) => {
    if (size < (sizes[best] ?? Number.POSITIVE_INFINITY)) best = i;
  });
  const chosen = candidates[best];
  if (chosen === undefined) throw new Error('smallestIndex needs at least one candidate');
  return chosen;
}
