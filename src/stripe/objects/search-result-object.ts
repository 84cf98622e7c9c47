/**
 * Stripe's search envelope (docs/stripe-billing-contract.md §0.9): stripe-node pages with
 * `page=<next_page>` while `has_more`, and throws if `has_more` is true with no `next_page`, so the
 * two are derived from one value.
 */
export function buildSearchResultObject<T>(url: string, data: T[], nextPage: string | null) {
  return { object: 'search_result' as const, data, has_more: nextPage !== null, next_page: nextPage, url };
}
