import type { Clock } from './clock';
import { newId } from './ids';

/** The event types of loops-api.md §5's table, and no others. */
export type EventType =
  | 'checkout.session.completed'
  | 'checkout.session.expired'
  | 'checkout.session.failed'
  | 'charge.succeeded'
  | 'charge.refunded'
  | 'subscription.created';

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
