import type { StoredEvent } from './event-store';
import type { IndexTerm } from './list-scan';

/**
 * The list indexes of events, one per filter of `GET /v1/events` (docs/stripe-checkout-contract.md §6.1) that an
 * index can answer: `type` (and `types[]`, and a `type` wildcard through the recorded types), and
 * `delivery_success` (every endpoint has the event, or not yet). `created` is the score.
 */
export const eventTerm = {
  type: (value: string): IndexTerm => ({ field: 'type', value }),
  delivery: (delivered: boolean): IndexTerm => ({ field: 'delivery', value: delivered ? 'done' : 'pending' }),
};

/** The indexes an event is listed in, given how many endpoints still wait for it. */
export function eventTerms(event: StoredEvent, pendingWebhooks: number): IndexTerm[] {
  return [eventTerm.type(event.type), eventTerm.delivery(pendingWebhooks === 0)];
}

/**
 * An event's score in every index: the time it was recorded, kept within its `created` second.
 * An event is built a moment before it is recorded, so the two can straddle a second; the clamp
 * makes a `created` filter exactly a score range (created × 1000 … created × 1000 + 999).
 */
export function eventScore(event: StoredEvent, recordedMs: number): number {
  const second = event.created * 1000;
  return Math.min(Math.max(recordedMs, second), second + 999);
}
