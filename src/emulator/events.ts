import type { Clock } from './clock';
import { newId } from './ids';
import type { WebhookSender } from './webhook-sender';

/** The event types of docs/loops-contract.md §5's and §8.4's tables, and no others. */
export type EventType =
  | 'checkout.session.completed'
  | 'checkout.session.expired'
  | 'checkout.session.failed'
  | 'charge.succeeded'
  | 'charge.failed'
  | 'charge.refunded'
  | 'subscription.created'
  | 'subscription.updated'
  | 'subscription.canceled';

export interface LoopsEvent {
  id: string;
  object: 'event';
  type: EventType;
  created: number;
  livemode: false;
  data: { object: unknown };
}

/** Stripe-like envelope (§5 [chosen]); `data.object` is a snapshot taken when the event happens. */
export function buildEvent(type: EventType, object: unknown, clock: Clock): LoopsEvent {
  return { id: newId('evt'), object: 'event', type, created: clock.nowSeconds(), livemode: false, data: { object } };
}

/** Builds the event at the emulator clock's now and hands it to the sender (every state change's one way out). */
export function emit(context: { clock: Clock; webhooks: WebhookSender }, type: EventType, object: unknown): void {
  context.webhooks.send(buildEvent(type, object, context.clock));
}
