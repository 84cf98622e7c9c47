import type { LoopsClient } from '../../loops/loops-client';
import type { Logger } from '../../observability/logger';
import { carriesMarker } from '../../translate/operation-marker';
import type { MarkerSearch } from './resumed-create';

/**
 * How far a retry looks for the Loops session an earlier attempt may have made. The session is
 * open (nobody has its URL), so the V3 list is filtered to open sessions (and to the customer, when
 * there is one). Loops does not document the list's order (docs/loops-contract.md §3.2), so the look is
 * bounded: a tenant with more open sessions than these pages hold gets an inconclusive answer.
 */
export const MARKER_SEARCH = { pageSize: 100, maxPages: 5 } as const;

/**
 * The open Loops session carrying `marker`, if an earlier attempt of this operation made one; or
 * that every open session was read and none carries it; or why the search could not tell (Loops
 * could not be listed, or the page limit was reached). What the caller may do with an inconclusive
 * answer depends on what earlier attempts left (resumed-create.ts).
 */
export async function findMarkedSession(
  loops: LoopsClient,
  marker: string,
  externalCustomerId: string | undefined,
  logger: Logger,
): Promise<MarkerSearch> {
  try {
    for (let page = 0; page < MARKER_SEARCH.maxPages; page++) {
      const { data, hasMore } = await loops.listSessionsV3({
        limit: MARKER_SEARCH.pageSize,
        offset: page * MARKER_SEARCH.pageSize,
        status: 'open',
        ...(externalCustomerId ? { externalCustomerId } : {}),
      });
      const found = data.find((session) => carriesMarker(session.metadata, marker));
      if (found) return { kind: 'found', session: found };
      if (!hasMore) return { kind: 'absent' };
    }
    logger.warn({ marker, pages: MARKER_SEARCH.maxPages }, 'marker search stopped at its page limit');
    return { kind: 'inconclusive', reason: 'page_limit' };
  } catch (error) {
    const detail = (error as Error).message;
    logger.warn({ marker, err: detail }, 'could not list Loops sessions to look for an earlier attempt');
    return { kind: 'inconclusive', reason: 'listing_failed', detail };
  }
}
