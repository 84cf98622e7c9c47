import { isLoopsError, type LoopsFailure } from '../../loops/loops-error';
import { createBackoffMs } from '../run/create-retry-policy';

/** Repeats one read of Loops (a listing page) until it succeeds or the attempts run out. */
export type ReadRetry = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Reads are safe to repeat, so anything that may pass — 429, 408, 5xx, a timeout, a dropped
 * connection, an unreadable answer — is tried again. Other 4xx (a wrong key above all) are final.
 */
export function isRetryableRead(failure: LoopsFailure): boolean {
  if (failure.kind !== 'http') return true;
  return failure.status === 429 || failure.status === 408 || failure.status >= 500;
}

/**
 * The tool's own backoff for listing Loops (the same as for creates: `--max-attempts`, 250 ms to
 * 8 s, or `Retry-After`). The tool's Loops client does not retry inside a call, so this is the
 * only layer: a Loops blip of a few seconds at the start no longer ends the run.
 */
export function createReadRetry(options: {
  maxAttempts: number;
  sleep(ms: number): Promise<void>;
  onRetry?(attempt: number, problem: string, delayMs: number): void;
}): ReadRetry {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isLoopsError(error) || !isRetryableRead(error.failure) || attempt >= options.maxAttempts) throw error;
        const delay = createBackoffMs(attempt, error.failure);
        options.onRetry?.(attempt + 1, error.message, delay);
        await options.sleep(delay);
      }
    }
  };
}
