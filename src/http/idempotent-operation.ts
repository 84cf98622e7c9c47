import type { Logger } from '../observability/logger';
import type { Operation } from '../services/operation';
import type { EarlierAttempts, IdempotencyStore, StoredResponse } from '../store/idempotency-store';
import type { IdempotentAnswer } from '../store/session-store';
import { shouldStoreResponse } from './middleware/idempotency-policy';

/** What taking a key can come to (docs/stripe-checkout-contract.md §4). */
export type TakenKey =
  { kind: 'started'; operation: IdempotentOperation } | { kind: 'replay'; response: StoredResponse } | { kind: 'in_flight' } | { kind: 'mismatch' };

interface Held {
  store: IdempotencyStore;
  logger: Logger;
  tenantId: string;
  idempotencyKey: string;
  /** The parameters' fingerprint, which is also the operation key (idempotency-policy.ts). */
  fingerprint: string;
  requestId: string;
  token: string;
  startedAtMs: number;
  earlierAttempts: EarlierAttempts | null;
  lockedUntilMs: number;
}

/**
 * One request's hold on its Idempotency-Key, and everything about it: taken (`take`), read and
 * written through by the use case (`Operation`), and ended by the middleware that took it
 * (`end`), which stores the answer unless the use case stored it with what it created, or
 * releases the key.
 */
export class IdempotentOperation implements Operation {
  readonly idempotencyKey: string;
  readonly key: string;
  readonly startedAtMs: number;
  readonly earlierAttempts: EarlierAttempts | null;
  readonly lockedUntilMs: number;
  private stored = false;

  private constructor(private readonly held: Held) {
    this.idempotencyKey = held.idempotencyKey;
    this.key = held.fingerprint;
    this.startedAtMs = held.startedAtMs;
    this.earlierAttempts = held.earlierAttempts;
    this.lockedUntilMs = held.lockedUntilMs;
  }

  /**
   * Takes the key in one Redis round trip (the store's `begin`): a new or resumed operation, or why
   * not (a stored answer to replay, a key in use, other parameters).
   */
  static async take(
    store: IdempotencyStore,
    logger: Logger,
    request: { tenantId: string; idempotencyKey: string; fingerprint: string; requestId: string; nowMs: number },
  ): Promise<TakenKey> {
    const outcome = await store.begin(request.tenantId, request.idempotencyKey, request.fingerprint, request.fingerprint, request.nowMs);
    if (outcome.kind !== 'started') return outcome;
    const operation = new IdempotentOperation({
      store,
      logger,
      tenantId: request.tenantId,
      idempotencyKey: request.idempotencyKey,
      fingerprint: request.fingerprint,
      requestId: request.requestId,
      token: outcome.token,
      startedAtMs: outcome.startedAtMs,
      earlierAttempts: outcome.earlier,
      lockedUntilMs: outcome.lockedUntilMs,
    });
    return { kind: 'started', operation };
  }

  answerToStore(json: string): IdempotentAnswer {
    return {
      key: this.held.idempotencyKey,
      fingerprint: this.held.fingerprint,
      response: { status: 200, body: json, requestId: this.held.requestId },
    };
  }

  answerStored(): void {
    this.stored = true;
  }

  noteUnresolved(untilMs: number): Promise<boolean> {
    return this.held.store.noteUnresolved(this.held.tenantId, this.key, untilMs);
  }

  /** Keeps a first answer for replay (2xx only: shouldStoreResponse), unless the use case already stored it. */
  async keepAnswer(status: number, body: unknown): Promise<void> {
    if (this.stored || !shouldStoreResponse(status) || typeof body !== 'string') return;
    await this.held.store.complete(this.held.tenantId, this.held.idempotencyKey, this.held.fingerprint, {
      status,
      body,
      requestId: this.held.requestId,
    });
    this.stored = true;
  }

  /**
   * Ends the hold: a request that ends without a stored answer releases the key. A refused first
   * attempt (4xx) leaves nothing behind, its operation record included; after a 5xx the record
   * stays, so the retry rebuilds the same Loops request and knows what earlier attempts may have
   * made. A resumed operation keeps it whatever the answer.
   */
  async end(status: number): Promise<void> {
    if (this.stored) return;
    const forget = status < 500 && this.earlierAttempts === null;
    await this.held.store.release(this.held.tenantId, this.held.idempotencyKey, this.held.token, this.key, forget).catch((error: unknown) => {
      // The lock then lapses by itself (idempotencyLockSeconds).
      this.held.logger.warn({ err: (error as Error).message }, 'could not release an idempotency key');
    });
  }
}
