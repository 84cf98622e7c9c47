import type Router from '@koa/router';
import { z } from 'zod';
import type { EmulatorContext } from '../context';
import { runDueWorkNow } from '../due-work';
import { renderCharge } from '../render/charge';
import { renderSubscription } from '../render/subscription';
import { failNextCharges, nextActionMs, requireSubscription } from '../subscription-lifecycle';
import type { SubscriptionRecord } from '../state';
import { parseOr400 } from '../validation';

/** `times`: how many of the next charges fail (a renewal plus its 3 retries is 4); `message`: their `failure_message`. */
const failNextChargeSchema = z.strictObject({
  times: z.int().min(1).max(100).default(1),
  message: z.string().min(1).max(500).optional(),
});

/** Admin calls for subscriptions (docs/loops-contract.md §8.5); no auth, never affected by faults. */
export function registerAdminSubscriptionRoutes(router: Router, context: EmulatorContext): void {
  router.post('/_emulator/subscriptions/:id/fail-next-charge', (ctx) => {
    const { times, message } = parseOr400(failNextChargeSchema, ctx.request.body ?? {});
    runDueWorkNow(context);
    const subscription = requireSubscription(context, ctx.params.id ?? '');
    failNextCharges(subscription, times, message);
    ctx.body = describeSubscription(context, subscription);
  });

  router.get('/_emulator/subscriptions/:id', (ctx) => {
    runDueWorkNow(context);
    ctx.body = describeSubscription(context, requireSubscription(context, ctx.params.id ?? ''));
  });
}

/** The API object plus what only the emulator knows: its charges (oldest first), the next due time, pending declines. */
function describeSubscription(context: EmulatorContext, subscription: SubscriptionRecord) {
  const next = nextActionMs(subscription);
  return {
    subscription: renderSubscription(subscription),
    charges: [...context.state.charges.values()].filter((charge) => charge.subscriptionId === subscription.id).map(renderCharge),
    nextActionAt: next === null ? null : Math.floor(next / 1000),
    failedRetries: subscription.failedRetries,
    failNextCharges: subscription.failNextCharges,
  };
}
