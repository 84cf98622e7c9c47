/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `burst`; a request takes one.
 * Pure (the clock is passed in) so the policy is tested without waiting.
 */
export interface Bucket {
  tokens: number;
  updatedMs: number;
}

export function takeToken(bucket: Bucket | undefined, nowMs: number, ratePerSecond: number, burst: number): { allowed: boolean; bucket: Bucket } {
  const elapsed = bucket ? Math.max(0, nowMs - bucket.updatedMs) / 1000 : 0;
  const tokens = Math.min(burst, (bucket?.tokens ?? burst) + elapsed * ratePerSecond);
  if (tokens < 1) return { allowed: false, bucket: { tokens, updatedMs: nowMs } };
  return { allowed: true, bucket: { tokens: tokens - 1, updatedMs: nowMs } };
}
