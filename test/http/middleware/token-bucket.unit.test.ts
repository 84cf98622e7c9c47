import { takeToken, type Bucket } from '../../../src/http/middleware/token-bucket';

describe('token bucket', () => {
  it('allows a burst, then the sustained rate, refilling with time', () => {
    let bucket: Bucket | undefined;
    const take = (nowMs: number) => {
      const result = takeToken(bucket, nowMs, 10, 3);
      bucket = result.bucket;
      return result.allowed;
    };
    expect([take(0), take(0), take(0), take(0)]).toEqual([true, true, true, false]);
    expect(take(50)).toBe(false);
    expect(take(100)).toBe(true);
    expect(take(100)).toBe(false);
    expect([take(10_000), take(10_000), take(10_000), take(10_000)]).toEqual([true, true, true, false]);
  });
});
