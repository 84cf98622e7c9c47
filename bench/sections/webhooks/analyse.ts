import { percentile } from '../../load/percentile';
import type { ReceiverRecords } from './receiver-api';
import type { SendResult } from './send-events';
import type { PreparedEvent } from './setup';

/** What the measured phase showed, from the sender's log and the receiver's records. */
export interface WebhookFigures {
  events: number;
  /** Sessions with a verified `checkout.session.completed` at the receiver. */
  delivered: number;
  /** Sessions with none by the deadline. */
  lost: number;
  /** Of the lost, how many the gateway had accepted with a 2xx (the durability claim). */
  lostAfter2xx: number;
  /** Deliveries beyond the first of one Stripe event id (at-least-once redelivery). */
  duplicateDeliveries: number;
  /** Sessions with more than one distinct `checkout.session.completed` event id (a dedupe bug). */
  sessionsWithSeveralEvents: number;
  /** Verified deliveries of another type, or about a session outside the measured set. */
  unexpectedDeliveries: number;
  signatureFailures: number;
  signatureFailureSamples: string[];
  /** Answers from `/webhooks/loops`. */
  accepted: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  outcomes: Record<string, number>;
  sendErrorSamples: string[];
  /** delivered / (last first-delivery − first send). */
  endToEndPerSecond: number | undefined;
  /** accepted / (last answer − first send). */
  ingestionPerSecond: number | undefined;
  /** First send to last answer, and first send to last first-delivery (s). */
  sendSeconds: number;
  endToEndSeconds: number | undefined;
  /** Arrival of the session's first completed delivery − send of its Loops event (ms). */
  lagMs: { p50: number; p90: number; p99: number; max: number } | undefined;
  /** Answer time of `/webhooks/loops` (ms). */
  ackMs: { p50: number; p99: number; max: number };
}

export function analyse(events: PreparedEvent[], sent: SendResult, received: ReceiverRecords): WebhookFigures {
  const indexOfSession = new Map(events.map((event, index) => [event.sessionId, index]));
  const deliveriesOfEvent = new Map<string, number>();
  const eventsOfSession = new Map<string, Set<string>>();
  const firstArrival = new Map<string, number>();
  let unexpectedDeliveries = 0;
  for (const [eventId, type, sessionId, at] of received.records) {
    deliveriesOfEvent.set(eventId, (deliveriesOfEvent.get(eventId) ?? 0) + 1);
    if (type !== 'checkout.session.completed' || !indexOfSession.has(sessionId)) {
      unexpectedDeliveries += 1;
      continue;
    }
    const ids = eventsOfSession.get(sessionId) ?? new Set<string>();
    ids.add(eventId);
    eventsOfSession.set(sessionId, ids);
    firstArrival.set(sessionId, Math.min(firstArrival.get(sessionId) ?? Infinity, at));
  }
  const duplicateDeliveries = [...deliveriesOfEvent.values()].reduce((sum, n) => sum + n - 1, 0);
  const sessionsWithSeveralEvents = [...eventsOfSession.values()].filter((ids) => ids.size > 1).length;

  const statusCodes: Record<string, number> = {};
  let accepted = 0;
  let errors = 0;
  let lostAfter2xx = 0;
  const lags: number[] = [];
  const acks: number[] = [];
  events.forEach((event, index) => {
    const status = sent.status[index] ?? 0;
    const ok = status >= 200 && status < 300;
    if (status === 0) errors += 1;
    else statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
    if (ok) accepted += 1;
    acks.push((sent.ackAt[index] ?? 0) - (sent.sentAt[index] ?? 0));
    const arrival = firstArrival.get(event.sessionId);
    if (arrival === undefined) {
      if (ok) lostAfter2xx += 1;
    } else {
      lags.push(arrival - (sent.sentAt[index] ?? 0));
    }
  });
  lags.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);

  // Loops, not spreads: a spread of a million arguments overflows the stack.
  const firstSend = sent.sentAt.reduce((a, b) => Math.min(a, b), Infinity);
  const lastAck = sent.ackAt.reduce((a, b) => Math.max(a, b), -Infinity);
  const lastDelivery = firstArrival.size > 0 ? [...firstArrival.values()].reduce((a, b) => Math.max(a, b), -Infinity) : undefined;
  const endToEndSeconds = lastDelivery === undefined ? undefined : (lastDelivery - firstSend) / 1000;
  const sendSeconds = (lastAck - firstSend) / 1000;
  const delivered = firstArrival.size;
  return {
    events: events.length,
    delivered,
    lost: events.length - delivered,
    lostAfter2xx,
    duplicateDeliveries,
    sessionsWithSeveralEvents,
    unexpectedDeliveries,
    signatureFailures: received.signatureFailures,
    signatureFailureSamples: received.failureSamples,
    accepted,
    non2xx: events.length - accepted - errors,
    errors,
    statusCodes,
    outcomes: sent.outcomes,
    sendErrorSamples: sent.errorSamples,
    endToEndPerSecond: endToEndSeconds && endToEndSeconds > 0 ? delivered / endToEndSeconds : undefined,
    ingestionPerSecond: sendSeconds > 0 ? accepted / sendSeconds : undefined,
    sendSeconds,
    endToEndSeconds,
    lagMs:
      lags.length > 0 ? { p50: percentile(lags, 0.5), p90: percentile(lags, 0.9), p99: percentile(lags, 0.99), max: lags.at(-1) ?? 0 } : undefined,
    ackMs: { p50: percentile(acks, 0.5), p99: percentile(acks, 0.99), max: acks.at(-1) ?? 0 },
  };
}
