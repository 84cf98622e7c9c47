/**
 * Stripe cursor pagination over a short in-memory list (a session's line items, in order).
 * Returns undefined when the cursor is not in the list.
 */
export function paginateArray<T extends { id: string }>(all: T[], limit: number, startingAfter?: string, endingBefore?: string) {
  if (endingBefore !== undefined) {
    const end = all.findIndex((item) => item.id === endingBefore);
    if (end === -1) return undefined;
    const start = Math.max(0, end - limit);
    return { items: all.slice(start, end), hasMore: start > 0 };
  }
  const from = startingAfter === undefined ? 0 : all.findIndex((item) => item.id === startingAfter) + 1;
  if (from === 0 && startingAfter !== undefined) return undefined;
  return { items: all.slice(from, from + limit), hasMore: from + limit < all.length };
}
