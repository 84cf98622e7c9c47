import { GatewayError } from '../../src/errors';
import { DEFAULT_RETRY_SCHEDULE, deliveryBackoff, parseRetrySchedule, retryDelay } from '../../src/webhooks/retry-schedule';

describe('webhook retry schedule', () => {
  it('defaults to about three days over twelve retries, like Stripe live mode', () => {
    const schedule = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
    expect(schedule).toHaveLength(12);
    const hours = schedule.reduce((sum, ms) => sum + ms, 0) / 3_600_000;
    expect(hours).toBeGreaterThan(70);
    expect(hours).toBeLessThan(74);
  });

  it('parses units and refuses nonsense', () => {
    expect(parseRetrySchedule('500ms, 30s,5m,2h,1d,1.5s')).toEqual([500, 30_000, 300_000, 7_200_000, 86_400_000, 1500]);
    expect(() => parseRetrySchedule('5 minutes')).toThrow('invalid duration "5 minutes"');
  });

  it('waits the scheduled time, repeats the last wait, and retries local store failures within seconds', () => {
    const schedule = [60_000, 300_000];
    expect([1, 2, 3].map((attempt) => retryDelay(schedule, attempt))).toEqual([60_000, 300_000, 300_000]);
    expect(deliveryBackoff(schedule, 1, new Error('endpoint answered HTTP 500'))).toBe(60_000);
    expect(deliveryBackoff(schedule, 2, new GatewayError('store_unavailable', 'redis down'))).toBe(2000);
    expect(deliveryBackoff([100], 1, new GatewayError('store_unavailable', 'redis down'))).toBe(100);
  });
});
