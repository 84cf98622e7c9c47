import { z } from 'zod';
import type { EmulatorContext } from './context';
import type { SubscriptionRecord } from './state';
import { pagingQuery } from './validation';

/** `GET /api/v3/subscriptions` filters (docs/loops-contract.md §8.2). */
export const subscriptionListQuerySchema = z.object({
  ...pagingQuery,
  status: z.enum(['trialing', 'active', 'past_due', 'canceled']).optional(),
  externalCustomerId: z.string().min(1).max(255).optional(),
});

export type SubscriptionListQuery = z.output<typeof subscriptionListQuerySchema>;

/** Matching subscriptions, newest first (§8.2); among equal `created`, the later made comes first. */
export function listSubscriptions(context: EmulatorContext, query: Partial<SubscriptionListQuery>): SubscriptionRecord[] {
  return [...context.state.subscriptions.values()]
    .filter(
      (subscription) =>
        (query.status === undefined || subscription.status === query.status) &&
        (query.externalCustomerId === undefined || subscription.externalCustomerId === query.externalCustomerId),
    )
    .reverse()
    .sort((a, b) => b.createdMs - a.createdMs);
}
