import type { TenantConfig } from '../config';
import type { LoopsClient } from '../loops/loops-client';
import type { EarlierAttempts } from '../store/idempotency-store';

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
  stripeVersion: string;
  idempotencyKey: string | null;
  /**
   * Stable for one logical operation: derived from the tenant, the Idempotency-Key and the
   * parameters, so a retried request derives the same Loops idempotency keys; random without a key.
   */
  operationKey: string;
  /**
   * When the operation first ran (ms): pinned with the Idempotency-Key, so a retry sees the first
   * attempt's clock; simply "now" without a key.
   */
  startedAtMs: number;
  /**
   * Set when an earlier attempt of this operation ran and left no answer: what it asked Loops to
   * make may exist (Loops may have acted before failing, or may still act), so creates look for it
   * first, and hold back while an earlier create is unresolved (checkout-sessions/resumed-create.ts).
   */
  earlierAttempts: EarlierAttempts | null;
  /** With an Idempotency-Key: this request's hold on it lapses no sooner than this (ms); creates are sent only before. */
  lockedUntilMs: number | null;
  /** Set when this request holds an Idempotency-Key: its answer is stored with what it creates. */
  idempotency: { key: string; fingerprint: string } | null;
}
