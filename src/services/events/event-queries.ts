import { GatewayError } from '../../errors';
import { listEventsSchema } from '../../stripe/params/event-params';
import { checkCursors, retrieveSchema } from '../../stripe/params/list-params';
import type { ParamBag } from '../../stripe/params/param-bag';
import { validateParams } from '../../stripe/params/validate-params';
import { isWellFormedId, noSuchObject } from '../../stripe/ids';
import { buildListObject } from '../../stripe/objects/list-object';
import type { EventStore, StoredEvent } from '../../store/event-store';
import { UnknownCursorError } from '../../store/list-scan';
import type { CallContext } from '../call-context';
import { eventListFilter } from './event-list-filter';

/** `GET /v1/events` and `GET /v1/events/:id`: the tenant's events of the last 30 days. */
export function createEventQueries(events: EventStore) {
  async function retrieve(call: CallContext, id: string, bag: ParamBag): Promise<StoredEvent> {
    validateParams(retrieveSchema, bag);
    const event = isWellFormedId('event', id) ? await events.get(call.tenant.config.id, id) : undefined;
    if (!event) throw noSuchObject('event', id);
    return event;
  }

  async function list(call: CallContext, bag: ParamBag) {
    const params = validateParams(listEventsSchema, bag);
    checkCursors(params);
    if (params.type !== undefined && params.types !== undefined) {
      throw new GatewayError('parameters_exclusive', 'You may only specify one of these parameters: type, types.', 'types');
    }
    const tenantId = call.tenant.config.id;
    const filter = await eventListFilter(params, () => events.types(tenantId));
    try {
      const page = await events.list(tenantId, {
        limit: params.limit ?? 10,
        startingAfter: params.starting_after,
        endingBefore: params.ending_before,
        ...filter,
      });
      return buildListObject('/v1/events', page.records, page.hasMore);
    } catch (error) {
      if (error instanceof UnknownCursorError) {
        throw new GatewayError(
          'param_resource_missing',
          `No such event: '${error.cursor}'`,
          params.starting_after ? 'starting_after' : 'ending_before',
        );
      }
      throw error;
    }
  }

  return { retrieve, list };
}

export type EventQueries = ReturnType<typeof createEventQueries>;
