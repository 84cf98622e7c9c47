import { eventScore, eventTerm } from './event-indexes';
import { EVENT_RETENTION_SECONDS, type StoredEvent } from './event-store';
import type { TenantKeys } from './keys';

/**
 * The Lua that records one Stripe event: its body (kept 30 days), its place in the list index
 * (trimmed of entries past retention), in the list indexes by type and by delivery
 * (event-indexes.ts), among the tenant's recorded types, and in the outbox. Shared by every script
 * that records an event, so an event written beside a session's change (redis-session-store) is
 * written exactly as one recorded on its own (redis-event-store). Prepend INDEX_ADD_LUA
 * (redis-list-index.ts), then this, to a script's source.
 * keys: event, index, outbox, by type, by delivery, types, indexed marker (recordEventParams).
 * args: id, json, score, ttl, trim before (ms), type. `slice(KEYS, from, n)` picks them out.
 */
export const RECORD_EVENT_LUA = `
local function slice(t, from, n)
  local part = {}
  for i = 1, n do part[i] = t[from + i - 1] end
  return part
end
local function record_event(k, a)
  -- The tenant's first event is written with its indexes: nothing older needs building.
  if redis.call('ZCARD', k[2]) == 0 then redis.call('SET', k[7], '1') end
  redis.call('SET', k[1], a[2], 'EX', a[4])
  redis.call('ZADD', k[2], a[3], a[1])
  redis.call('ZREMRANGEBYSCORE', k[2], '-inf', a[5])
  redis.call('ZADD', k[3], a[3], a[1])
  index_add(k[4], a[3], a[1], a[4], a[5])
  index_add(k[5], a[3], a[1], a[4], a[5])
  index_add(k[6], a[3], a[6], a[4], a[5])
end
`;

/** How many keys and arguments `record_event` takes. */
export const RECORD_EVENT_KEYS = 7;
export const RECORD_EVENT_ARGS = 6;

/**
 * The keys and arguments of `record_event`, in its order. All keys carry the tenant's hash tag, so
 * in Redis Cluster they share a slot with every other key of the tenant the script touches.
 */
export function recordEventParams(keys: TenantKeys, event: StoredEvent, recordedMs: number) {
  const score = eventScore(event, recordedMs);
  return {
    keys: [
      keys.event(event.id),
      keys.eventIndex,
      keys.eventOutbox,
      keys.eventsBy(eventTerm.type(event.type)),
      keys.eventsBy(eventTerm.delivery(event.pending_webhooks === 0)),
      keys.eventTypes,
      keys.eventsIndexed,
    ],
    args: [event.id, JSON.stringify(event), score, EVENT_RETENTION_SECONDS, recordedMs - EVENT_RETENTION_SECONDS * 1000, event.type],
  };
}
