/** What the receiver child (receiver.ts) and the bench agree on. */
export const WEBHOOK_PATH = '/stripe/webhook';

/** One verified delivery: [Stripe event id, type, session id (data.object.id), arrival ms since the epoch]. */
export type DeliveryRecord = [string, string, string, number];

/** `GET /_bench/stats`: cheap, polled while the bench waits. */
export interface ReceiverStats {
  deliveries: number;
  /** Distinct sessions with a verified `checkout.session.completed`. */
  completedSessions: number;
  signatureFailures: number;
}

/** `GET /_bench/records`: everything, once, at the end. */
export interface ReceiverRecords {
  records: DeliveryRecord[];
  signatureFailures: number;
  /** The first few verification errors, for the report. */
  failureSamples: string[];
}
