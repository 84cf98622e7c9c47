import { z } from 'zod';
import { GatewayError } from '../../errors';
import { decodePageToken, encodePageToken } from '../../stripe/params/search-page-token';
import { matchesSearch, parseSearchQuery, type SearchFields, type SearchQuery } from '../../stripe/params/search-query';
import { foldEmail, isCustomerId, liveCustomer, type CustomerRecord } from '../../store/customer-record';
import type { CustomerIndex, CustomerStore, ScanPosition } from '../../store/customer-store';
import { windowOfSearch } from './created-window';

/** The fields Stripe's customer search knows (https://stripe.com/docs/search#query-fields-for-customers). */
export const CUSTOMER_SEARCH_FIELDS: SearchFields = { created: 'number', email: 'text', metadata: 'metadata', name: 'text', phone: 'text' };

/**
 * Index entries one search request reads at most. A query no index serves (`name~'jen'`,
 * `metadata['k']:'v'`) is a scan: it reads this many customers, newest first, and if it has not
 * filled its page it answers what it found with `has_more: true` and a `next_page` that continues
 * the scan. So no request costs more than this however long the tenant's history; a client that
 * auto-paginates (stripe-node does) still gets every match. `has_more` is false only once the scan
 * has reached the end of its window: it never claims there is nothing more when there may be.
 */
export const SEARCH_SCAN_BUDGET = 1000;
const SCAN_CHUNK = 200;

/** What a `next_page` token carries: the last index entry read (search-page-token.ts wraps it). */
const positionSchema = z
  .object({ i: z.string().refine(isCustomerId), m: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })
  .strict()
  .transform(({ i, m }): ScanPosition => ({ id: i, createdMs: m }));

function decodePosition(page: string): ScanPosition {
  const position = decodePageToken(page);
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    parsed = undefined;
  }
  const result = positionSchema.safeParse(parsed);
  if (!result.success)
    throw new GatewayError('parameter_invalid', `Invalid page: ${page.slice(0, 100)} is not a page token this search returned.`, 'page');
  return result.data;
}

const encodePosition = (position: ScanPosition) => encodePageToken(JSON.stringify({ i: position.id, m: position.createdMs }));

/**
 * The index that holds every possible match: with AND, a plain `email:'…'` clause limits the
 * search to customers with that email (up to case, as search compares), served by its own index.
 */
function indexFor(query: SearchQuery): CustomerIndex {
  if (query.joiner === 'AND') {
    const clause = query.clauses.find((c) => c.field === 'email' && c.operator === ':' && !c.negated && typeof c.value === 'string');
    if (clause && typeof clause.value === 'string') return { kind: 'folded-email', email: foldEmail(clause.value) };
  }
  return { kind: 'all' };
}

function matcher(query: SearchQuery) {
  return (record: CustomerRecord): boolean => {
    const customer = liveCustomer(record);
    if (!customer) return false;
    return matchesSearch(query, (field, key) => {
      if (field === 'metadata') return key === undefined ? undefined : customer.metadata[key];
      const value = customer[field];
      return typeof value === 'string' || typeof value === 'number' ? value : null;
    });
  };
}

export interface SearchPage {
  records: CustomerRecord[];
  /** The `next_page` token, null when there is nothing more. */
  nextPage: string | null;
}

/** One page of `GET /v1/customers/search`: `limit` matches at most, `SEARCH_SCAN_BUDGET` entries read at most. */
export async function searchCustomers(
  store: CustomerStore,
  tenantId: string,
  text: string,
  limit: number,
  page: string | undefined,
): Promise<SearchPage> {
  const query = parseSearchQuery(text, CUSTOMER_SEARCH_FIELDS);
  const read = { index: indexFor(query), window: windowOfSearch(query) };
  const matches = matcher(query);
  const found: CustomerRecord[] = [];
  let position = page === undefined ? undefined : decodePosition(page);
  /** Where the page ends once it is full: the next page starts after its last match. */
  let pageEnd: ScanPosition | undefined;
  for (let scanned = 0; scanned < SEARCH_SCAN_BUDGET;) {
    const chunk = await store.scan(tenantId, { ...read, after: position, count: Math.min(SCAN_CHUNK, SEARCH_SCAN_BUDGET - scanned) });
    for (const entry of chunk.entries) {
      scanned += 1;
      if (entry.record && matches(entry.record)) {
        // One match beyond a full page: there is more, and the next page starts with it.
        if (pageEnd) return { records: found, nextPage: encodePosition(pageEnd) };
        found.push(entry.record);
        if (found.length === limit) pageEnd = entry.position;
      }
      position = entry.position;
    }
    if (chunk.ended) return { records: found, nextPage: null };
  }
  // The budget ran out inside the window: more entries remain unread.
  const resumeAt = pageEnd ?? position;
  return { records: found, nextPage: resumeAt ? encodePosition(resumeAt) : null };
}
