import type { Middleware } from 'koa';
import { GatewayError, isGatewayError } from '../../errors';
import type { Logger } from '../../observability/logger';
import { keylessOperation } from '../../services/operation';
import type { IdempotencyStore } from '../../store/idempotency-store';
import type { GatewayState } from '../gateway-state';
import { IdempotentOperation } from '../idempotent-operation';
import { freshOperationKey, MAX_IDEMPOTENCY_KEY_LENGTH, operationFingerprint } from './idempotency-policy';

/**
 * Stripe idempotency on every POST (stripe-node keys them all, docs/stripe-checkout-contract.md §0.3, §4):
 * a completed key replays its first answer byte for byte with `Idempotent-Replayed: true`; the same
 * key with other parameters is a 400 `idempotency_error`; a key still running is a 409 the SDK
 * retries. Keys are scoped to the tenant. Every request gets its `Operation` on `ctx.state`; with a
 * key it is the request's hold on it (idempotent-operation.ts), which this middleware takes and ends.
 */
export function idempotency(store: IdempotencyStore, logger: Logger, now: () => number = Date.now): Middleware<GatewayState> {
  return async (ctx, next) => {
    const tenant = ctx.state.tenant;
    if (!tenant) throw new Error('idempotency middleware runs after authentication');
    const key = ctx.method === 'POST' ? ctx.get('Idempotency-Key') || null : null;
    const nowMs = now();
    if (key === null) {
      ctx.state.operation = keylessOperation(freshOperationKey(), nowMs);
      return next();
    }
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new GatewayError('parameter_invalid', `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, 'Idempotency-Key');
    }
    const fingerprint = operationFingerprint(tenant.config.id, key, ctx.method, ctx.path, ctx.state.params ?? {});
    ctx.set('Idempotency-Key', key);

    const taken = await IdempotentOperation.take(store, ctx.state.logger ?? logger, {
      tenantId: tenant.config.id,
      idempotencyKey: key,
      fingerprint,
      requestId: ctx.state.requestId,
      nowMs,
    });
    switch (taken.kind) {
      case 'replay':
        ctx.status = taken.response.status;
        ctx.type = 'application/json';
        ctx.body = taken.response.body;
        ctx.set('Idempotent-Replayed', 'true');
        ctx.set('Original-Request', taken.response.requestId);
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
        break;
    }
    const operation = taken.operation;
    ctx.state.operation = operation;
    let status = 500;
    try {
      await next();
      status = ctx.status;
      await operation.keepAnswer(ctx.status, ctx.body);
    } catch (error) {
      status = isGatewayError(error) ? error.status : 500;
      throw error;
    } finally {
      await operation.end(status);
    }
  };
}
