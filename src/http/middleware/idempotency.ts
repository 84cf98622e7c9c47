import type { Middleware } from 'koa';
import { GatewayError, isGatewayError } from '../../errors';
import type { Logger } from '../../observability/logger';
import type { IdempotencyStore } from '../../store/idempotency-store';
import type { GatewayState } from '../gateway-state';
import { freshOperationKey, MAX_IDEMPOTENCY_KEY_LENGTH, operationFingerprint, shouldStoreResponse } from './idempotency-policy';

/**
 * Stripe idempotency on every POST (stripe-node keys them all, docs/stripe-checkout-contract.md §0.3, §4):
 * a completed key replays its first answer byte for byte with `Idempotent-Replayed: true`; the same
 * key with other parameters is a 400 `idempotency_error`; a key still running is a 409 the SDK
 * retries. Keys are scoped to the tenant. A request that ends without a stored answer releases the
 * key and leaves the operation's record (idempotency-store.ts `OperationRecord`) for its retry.
 */
export function idempotency(store: IdempotencyStore, logger: Logger, now: () => number = Date.now): Middleware<GatewayState> {
  return async (ctx, next) => {
    const tenant = ctx.state.tenant;
    const params = ctx.state.params ?? {};
    if (!tenant) throw new Error('idempotency middleware runs after authentication');
    const key = ctx.method === 'POST' ? ctx.get('Idempotency-Key') || null : null;
    ctx.state.idempotencyKey = key;
    ctx.state.startedAtMs = now();
    if (key === null) {
      ctx.state.operationKey = freshOperationKey();
      return next();
    }
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new GatewayError('parameter_invalid', `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, 'Idempotency-Key');
    }
    const fingerprint = operationFingerprint(tenant.config.id, key, ctx.method, ctx.path, params);
    const operationKey = fingerprint;
    ctx.state.operationKey = operationKey;
    ctx.set('Idempotency-Key', key);

    const outcome = await store.begin(tenant.config.id, key, fingerprint, operationKey, ctx.state.startedAtMs);
    switch (outcome.kind) {
      case 'replay':
        ctx.status = outcome.response.status;
        ctx.type = 'application/json';
        ctx.body = outcome.response.body;
        ctx.set('Idempotent-Replayed', 'true');
        ctx.set('Original-Request', outcome.response.requestId);
        return;
      case 'mismatch':
        throw new GatewayError(
          'idempotency_mismatch',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      case 'in_flight':
        throw new GatewayError(
          'idempotency_key_in_use',
          'There is currently another in-progress request using this Idempotency-Key. Please try again later.',
        );
      case 'started':
        ctx.state.startedAtMs = outcome.startedAtMs;
        ctx.state.earlierAttempts = outcome.earlier;
        ctx.state.lockedUntilMs = outcome.lockedUntilMs;
        ctx.state.idempotencyHeld = { key, fingerprint };
        break;
    }
    let stored = false;
    let status = 500;
    try {
      await next();
      status = ctx.status;
      stored = ctx.state.answerStored === true;
      if (!stored && shouldStoreResponse(ctx.status) && typeof ctx.body === 'string') {
        await store.complete(tenant.config.id, key, fingerprint, { status: ctx.status, body: ctx.body, requestId: ctx.state.requestId });
        stored = true;
      }
    } catch (error) {
      status = isGatewayError(error) ? error.status : 500;
      throw error;
    } finally {
      if (!stored) {
        // A refused first attempt (4xx) leaves nothing behind, its operation record included;
        // after a 5xx the record stays, so the retry rebuilds the same Loops request and knows
        // what earlier attempts may have made. A resumed operation keeps it whatever the answer.
        const forget = status < 500 && outcome.earlier === null;
        await store.release(tenant.config.id, key, outcome.token, operationKey, forget).catch((error: unknown) => {
          // The lock then lapses by itself (idempotencyLockSeconds).
          logger.warn({ err: (error as Error).message }, 'could not release an idempotency key');
        });
      }
    }
  };
}
