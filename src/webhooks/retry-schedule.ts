import { isGatewayError } from '../errors';

/**
 * How long to wait before each delivery retry. Stripe retries live-mode webhooks with exponential
 * backoff for up to three days (docs/stripe-checkout-contract.md §7.2); this default sums to about 72 hours over
 * 12 retries. `WEBHOOK_RETRY_SCHEDULE` replaces it (e.g. `1m,10m,1h,6h,1d`).
 */
export const DEFAULT_RETRY_SCHEDULE = '1m,5m,30m,1h,2h,4h,8h,12h,12h,12h,12h,9h';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseRetrySchedule(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(part);
      if (!match) throw new Error(`invalid duration "${part}" (use e.g. 500ms, 30s, 5m, 2h, 1d)`);
      return Math.round(Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000));
    });
}

/** The wait after failed attempt number `attemptsMade` (1-based); the last wait repeats. */
export function retryDelay(schedule: number[], attemptsMade: number): number {
  return schedule[Math.min(attemptsMade, schedule.length) - 1] ?? 0;
}

/**
 * An attempt that failed because the gateway's own store was unavailable says nothing about the
 * merchant's endpoint: it is retried within seconds instead of waiting out the endpoint schedule.
 */
export const LOCAL_FAILURE_RETRY_MS = 2000;

export function deliveryBackoff(schedule: number[], attemptsMade: number, error: Error | undefined): number {
  if (isGatewayError(error) && error.errorName === 'store_unavailable')
    return Math.min(LOCAL_FAILURE_RETRY_MS, retryDelay(schedule, attemptsMade) || LOCAL_FAILURE_RETRY_MS);
  return retryDelay(schedule, attemptsMade);
}
