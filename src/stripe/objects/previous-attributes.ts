import { isDeepStrictEqual } from 'node:util';

/**
 * `data.previous_attributes` of an `*.updated` event (docs/stripe-billing-contract.md §10): the old values
 * of just the top-level fields that changed; a changed array or object is given whole, as it was.
 * Undefined when nothing changed (then there is no update to announce).
 */
export function previousAttributes(previous: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> | undefined {
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    if (!isDeepStrictEqual(previous[key], next[key])) changed[key] = previous[key] ?? null;
  }
  return Object.keys(changed).length > 0 ? changed : undefined;
}
