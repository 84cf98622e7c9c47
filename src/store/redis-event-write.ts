import { EVENT_RETENTION_SECONDS, type StoredEvent } from './event-store';
import type { TenantKeys } from './keys';

/**
 * The Lua that records one Stripe event: its body (kept 30 days), its place in the list index
 * (trimmed of entries past retention) and in the outbox. Shared by every script that records an
 * event, so an event written beside a session's change (redis-session-store) is written exactly as
 * one recorded on its own (redis-event-store). Prepend it to a script's source.
 */
export const RECORD_EVENT_LUA = `
local function record_event(event_key, index_key, outbox_key, id, json, created_ms, ttl_seconds, trim_before_ms)
  redis.call('SET', event_key, json, 'EX', ttl_seconds)
  redis.call('ZADD', index_key, created_ms, id)
  redis.call('ZREMRANGEBYSCORE', index_key, '-inf', trim_before_ms)
  redis.call('ZADD', outbox_key, created_ms, id)
end
`;

/**
 * The keys and arguments of `record_event`, in its order. All keys carry the tenant's hash tag, so
 * in Redis Cluster they share a slot with every other key of the tenant the script touches.
 */
export function recordEventParams(keys: TenantKeys, event: StoredEvent, createdMs: number) {
  return {
    keys: [keys.event(event.id), keys.eventIndex, keys.eventOutbox],
    args: [event.id, JSON.stringify(event), createdMs, EVENT_RETENTION_SECONDS, createdMs - EVENT_RETENTION_SECONDS * 1000],
  };
}
