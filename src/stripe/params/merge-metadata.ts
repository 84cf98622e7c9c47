/**
 * Stripe's metadata update (docs/stripe-checkout-contract.md §5.3): `metadata=` clears every key, `metadata[k]=`
 * removes `k`, any other value sets it; keys not named stay.
 */
export function mergeMetadata(current: Record<string, string>, change: Record<string, string> | ''): Record<string, string> {
  if (change === '') return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
