import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { FaultStore } from './faults';
import type { IdempotencyStore } from './idempotency';
import type { EmulatorState } from './state';
import type { Stats } from './stats';
import type { Timers } from './timers';
import type { WebhookSender } from './webhook-sender';

/** Settings after defaults; `publicUrl` is known only once the server listens (port 0). */
export interface EmulatorConfig {
  apiKeys: string[];
  publicUrl: string;
  sessionTtlSeconds: number;
  expirySweepIntervalMs: number;
  /** Changed at run time by `POST /_emulator/options` (routes/admin-options.ts). */
  honourIdempotencyKeys: boolean;
}

/** Everything a route or the lifecycle needs, built once in `server.ts` and passed in. */
export interface EmulatorContext {
  config: EmulatorConfig;
  state: EmulatorState;
  clock: Clock;
  webhooks: WebhookSender;
  faults: FaultStore;
  idempotency: IdempotencyStore;
  stats: Stats;
  timers: Timers;
  logger: Logger;
}

export const checkoutUrl = (context: EmulatorContext, sessionId: string): string =>
  `${context.config.publicUrl}/checkout/${sessionId}`;

export const paymentLinkUrl = (context: EmulatorContext, linkId: string): string => `${context.config.publicUrl}/pay/${linkId}`;

/** The hosted customer-portal page of a portal session (docs/loops-contract.md §8.2, §8.5). */
export const portalUrl = (context: EmulatorContext, portalId: string): string => `${context.config.publicUrl}/portal/${portalId}`;
