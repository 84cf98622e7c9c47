import { LOOPS_RETRY, retryDelayMs } from '../../src/loops/retry-policy';

const random = () => 1;

describe('Loops retry policy', () => {
  it('retries safe calls after timeouts, network errors, 429 and 5xx, with growing delays', () => {
    expect(retryDelayMs({ kind: 'timeout' }, 1, true, { random })).toBe(100);
    expect(retryDelayMs({ kind: 'network', code: 'ECONNRESET' }, 2, true, { random })).toBe(200);
    expect(retryDelayMs({ kind: 'http', status: 503, message: '' }, 1, true, { random })).toBe(100);
    expect(retryDelayMs({ kind: 'http', status: 429, message: '' }, 1, true, { random })).toBe(100);
  });

  it('retries a POST only when Loops cannot have acted on it', () => {
    expect(retryDelayMs({ kind: 'timeout' }, 1, false, { random })).toBeUndefined();
    expect(retryDelayMs({ kind: 'network', code: 'ECONNRESET' }, 1, false, { random })).toBeUndefined();
    expect(retryDelayMs({ kind: 'http', status: 500, message: '' }, 1, false, { random })).toBeUndefined();
    expect(retryDelayMs({ kind: 'network', code: 'ECONNREFUSED' }, 1, false, { random })).toBe(100);
    expect(retryDelayMs({ kind: 'http', status: 429, message: '' }, 1, false, { random })).toBe(100);
  });

  it('never retries client errors or unreadable answers, and stops after the last attempt', () => {
    expect(retryDelayMs({ kind: 'http', status: 400, message: '' }, 1, true, { random })).toBeUndefined();
    expect(retryDelayMs({ kind: 'http', status: 401, message: '' }, 1, true, { random })).toBeUndefined();
    expect(retryDelayMs({ kind: 'invalid_response', detail: '' }, 1, true, { random })).toBeUndefined();
    expect(retryDelayMs({ kind: 'timeout' }, LOOPS_RETRY.maxAttempts, true, { random })).toBeUndefined();
  });

  it('counts attempts against the limit it is given, lower or higher than the default', () => {
    expect(retryDelayMs({ kind: 'timeout' }, 1, true, { random, maxAttempts: 1 })).toBeUndefined();
    expect(retryDelayMs({ kind: 'timeout' }, LOOPS_RETRY.maxAttempts, true, { random, maxAttempts: LOOPS_RETRY.maxAttempts + 2 })).toBe(400);
  });

  it('honours a short Retry-After and gives up on a long one', () => {
    expect(retryDelayMs({ kind: 'http', status: 429, message: '', retryAfterSeconds: 1 }, 1, true, { random })).toBe(1000);
    expect(retryDelayMs({ kind: 'http', status: 429, message: '', retryAfterSeconds: 30 }, 1, true, { random })).toBeUndefined();
  });
});
