import type { Logger } from '../observability/logger';
import type { EventStore } from '../store/event-store';
import type { SessionStore } from '../store/session-store';

/** Stored objects each run adds to the list indexes, per tenant and kind (a few MGETs and Lua calls). */
export const INDEX_BUILD_BUDGET = 2_000;
/**
 * How long after an upgraded instance first finds a tenant unindexed the build starts: longer than
 * a rolling upgrade, so that no instance of the old version (which writes no list indexes) is
 * still writing when the one pass over the tenant's objects reads them.
 */
export const INDEX_BUILD_GRACE_MS = 15 * 60_000;

/**
 * The background task that puts sessions and events stored by a gateway without list indexes into
 * them (store/redis-list-index.ts). Until a tenant's build finishes, its lists read every object,
 * as before, so an upgrade never serves a wrong list; a tenant whose first object was written
 * with its indexes has nothing to build, and a built tenant costs nothing per run.
 */
export function createListIndexBuild(deps: { sessions: SessionStore; events: EventStore; tenantIds: string[]; logger: Logger }) {
  const kinds = { sessions: deps.sessions, events: deps.events };
  const building = new Set<string>();
  /** One run; `logger` is the run's (periodic.ts names the run on its lines). */
  return async function buildListIndexes(_signal?: AbortSignal, logger: Logger = deps.logger): Promise<boolean> {
    let all = true;
    for (const tenant of deps.tenantIds) {
      for (const [kind, store] of Object.entries(kinds)) {
        const key = `${kind}\u0000${tenant}`;
        if (await store.buildIndexes(tenant, INDEX_BUILD_BUDGET, INDEX_BUILD_GRACE_MS)) {
          if (building.delete(key)) logger.info({ tenant, kind }, 'list indexes built: filtered lists read the indexes from now on');
          continue;
        }
        all = false;
        if (building.has(key)) continue;
        building.add(key);
        logger.info(
          { tenant, kind, startsInMinutes: INDEX_BUILD_GRACE_MS / 60_000 },
          'list indexes to build over objects stored before them; lists read every object until then',
        );
      }
    }
    return all;
  };
}
