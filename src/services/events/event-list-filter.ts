import type { ListEventsParams } from '../../stripe/params/event-params';
import { eventTypeMatcher } from '../../stripe/params/event-type-pattern';
import { matchesCreated } from '../../stripe/params/list-params';
import { eventTerm } from '../../store/event-indexes';
import type { StoredEvent } from '../../store/event-store';
import type { ListQuery } from '../../store/list-scan';
import { createdScoreRange } from '../created-score-range';

/**
 * The filters of `GET /v1/events` as a store query: what every listed event must match, and the
 * list indexes that narrow the walk (store/event-indexes.ts). A `type` wildcard becomes the
 * recorded types it matches — a handful, the gateway's own event vocabulary — so no filter walks
 * the tenant's events.
 */
export async function eventListFilter(
  params: ListEventsParams,
  recordedTypes: () => Promise<string[]>,
): Promise<Pick<ListQuery<StoredEvent>, 'matches' | 'narrow'>> {
  const typeMatches =
    params.type !== undefined ? eventTypeMatcher(params.type) : params.types ? (type: string) => params.types?.includes(type) ?? false : () => true;
  const matches = (event: StoredEvent) =>
    typeMatches(event.type) &&
    matchesCreated(event.created, params.created) &&
    (params.delivery_success === undefined || (event.pending_webhooks === 0) === params.delivery_success);
  const types = params.type === undefined ? params.types : params.type.includes('*') ? (await recordedTypes()).filter(typeMatches) : [params.type];
  const groups = [
    types === undefined ? undefined : types.map(eventTerm.type),
    params.delivery_success === undefined ? undefined : [eventTerm.delivery(params.delivery_success)],
  ].filter((group) => group !== undefined);
  return { matches, narrow: { groups, ...createdScoreRange(params.created) } };
}
