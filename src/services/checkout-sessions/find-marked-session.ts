import type { LoopsClient } from '../../loops/loops-client';
import type { LoopsV3Session } from '../../loops/loops-schemas';
import type { Logger } from '../../observability/logger';
import { carriesMarker } from '../../translate/operation-marker';

/**
 * How far a retry looks for the Loops session an earlier attempt may have made. The session is
 * open (nobody has its URL), so the V3 list is filtered to open sessions (and to the customer, when
 * there is one). Loops does not document the list's order (loops-api.md §3.2), so the look is
 * bounded: a tenant with more open sessions than these pages hold may be missed, and then only the
 * Loops `Idempotency-Key` guards the retry.
 */
export const MARKER_SEARCH = { pageSize: 100, maxPages: 5 } as const;

/**
 * The open Loops session carrying `marker`, if an earlier attempt of this operation made one.
 * Best effort: when Loops cannot be listed the answer is "none found" and the create goes ahead
 * with the same `Idempotency-Key`, as it did before this guard existed.
 */
export async function findMarkedSession(
  loops: LoopsClient,
  marker: string,
  externalCustomerId: string | undefined,
  logger: Logger,
): Promise<LoopsV3Session | undefined> {
  try {
    for (let page = 0; page < MARKER_SEARCH.maxPages; page++) {
      const { data, hasMore } = await loops.listSessionsV3({
        limit: MARKER_SEARCH.pageSize,
        offset: page * MARKER_SEARCH.pageSize,
        status: 'open',
        ...(externalCustomerId ? { externalCustomerId } : {}),
      });
      const found = data.find((session) => carriesMarker(session.metadata, marker));
      if (found) return found;
      if (!hasMore) return undefined;
    }
    logger.warn({ marker, pages: MARKER_SEARCH.maxPages }, 'marker search stopped at its page limit; creating with the same Loops Idempotency-Key');
  } catch (error) {
    logger.warn(
      { marker, err: (error as Error).message },
      'could not list Loops sessions to look for an earlier attempt; creating with the same Loops Idempotency-Key',
    );
  }
  return undefined;
}
