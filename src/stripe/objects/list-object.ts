/** Stripe's list envelope (docs/stripe-checkout-contract.md §3.3); `has_more` must be truthful for auto-pagination. */
export function buildListObject<T>(url: string, data: T[], hasMore: boolean) {
  return { object: 'list' as const, data, has_more: hasMore, url };
}
