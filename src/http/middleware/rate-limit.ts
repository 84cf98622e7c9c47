import type { Middleware } from 'koa';
import { GatewayError } from '../../errors';
import type { GatewayState } from '../gateway-state';
import { takeToken, type Bucket } from './token-bucket';

export interface RateLimitOptions {
  /** Sustained requests per second per API key, on each instance; 0 turns the limit off. */
  ratePerSecond: number;
  burst: number;
  now: () => number;
  onLimited?: () => void;
}

/** Buckets idle this long are forgotten, so the map holds only keys seen lately. */
const IDLE_MS = 60_000;

/**
 * Stripe's per-key rate limit, answered as Stripe does: 429 `rate_limit`, which stripe-node raises
 * as StripeRateLimitError and does not retry by itself. The buckets live in this process, so with
 * N instances behind a load balancer a key gets N times the rate (README.md "Deploying", "Several
 * instances").
 */
export function rateLimit(options: RateLimitOptions): Middleware<GatewayState> {
  const buckets = new Map<string, Bucket>();
  let lastSweep = options.now();
  return async (ctx, next) => {
    const key = ctx.state.apiKey;
    if (options.ratePerSecond <= 0 || !key) return next();
    const now = options.now();
    if (now - lastSweep > IDLE_MS) {
      for (const [k, bucket] of buckets) if (now - bucket.updatedMs > IDLE_MS) buckets.delete(k);
      lastSweep = now;
    }
    const { allowed, bucket } = takeToken(buckets.get(key), now, options.ratePerSecond, options.burst);
    buckets.set(key, bucket);
    if (!allowed) {
      options.onLimited?.();
      throw new GatewayError('rate_limit', 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.');
    }
    await next();
  };
}
