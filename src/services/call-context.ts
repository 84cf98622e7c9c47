import type { TenantConfig } from '../config';
import type { Logger } from '../observability/logger';
import type { LoopsClient } from '../loops/loops-client';
import type { Operation } from './operation';

/** One tenant as the services see it: its configuration and its own Loops client. */
export interface TenantContext {
  config: TenantConfig;
  loops: LoopsClient;
}

/** Everything a use case needs to know about the request that called it. */
export interface CallContext {
  tenant: TenantContext;
  livemode: boolean;
  requestId: string;
  /** The request's logger (its id and tenant on every line): services log through it, not a shared one. */
  logger: Logger;
  stripeVersion: string;
  /** The logical operation the request performs: its key, first start, earlier attempts, and where its answer goes. */
  operation: Operation;
}
