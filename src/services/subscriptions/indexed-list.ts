import { GatewayError } from '../../errors';
import { buildListObject } from '../../stripe/objects/list-object';
import type { ListPage } from '../../store/list-scan';
import { UnknownCursorError } from '../../store/subscription-store';

type Rendered = Record<string, unknown>;

export interface IndexedListSpec<T> {
  url: string;
  /** Stripe's name of the object, for the unknown-cursor error (`No such invoice: …`). */
  objectName: string;
  params: { limit?: number; starting_after?: string; ending_before?: string };
  /** Cursors are ids: one that cannot be an id never reaches the store. */
  isId: (id: string) => boolean;
  page: (query: { limit: number; startingAfter?: string; endingBefore?: string }) => Promise<ListPage<T>>;
  render: (record: T) => Promise<Rendered>;
}

/**
 * A Stripe list page read from one of the store's indexes (docs/stripe-checkout-contract.md §3.3): cursors
 * checked as ids before they touch the store, an unknown cursor a 400 naming it, and the list
 * envelope with a truthful `has_more`.
 */
export async function indexedList<T>(spec: IndexedListSpec<T>): Promise<Rendered> {
  const { params } = spec;
  const param = params.starting_after !== undefined ? 'starting_after' : 'ending_before';
  const unknownCursor = (cursor: string) =>
    new GatewayError('param_resource_missing', `No such ${spec.objectName}: '${cursor.slice(0, 255)}'`, param);
  const cursor = params.starting_after ?? params.ending_before;
  if (cursor !== undefined && !spec.isId(cursor)) throw unknownCursor(cursor);
  try {
    const page = await spec.page({
      limit: params.limit ?? 10,
      ...(params.starting_after !== undefined ? { startingAfter: params.starting_after } : {}),
      ...(params.ending_before !== undefined ? { endingBefore: params.ending_before } : {}),
    });
    return buildListObject(spec.url, await Promise.all(page.records.map(spec.render)), page.hasMore);
  } catch (error) {
    if (error instanceof UnknownCursorError) throw unknownCursor(error.cursor);
    throw error;
  }
}
