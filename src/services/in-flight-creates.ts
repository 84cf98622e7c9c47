import { setMaxListeners } from 'node:events';
import type { CreateOptions } from '../loops/loops-client';
import { isLoopsError } from '../loops/loops-error';

/**
 * The Loops creates this instance has sent and not yet heard the end of, by their Loops
 * `Idempotency-Key` (one per logical create: the operation for a session, the content for an
 * ad-hoc product). A request that needs the same create joins the one in flight instead of sending
 * another: a retry whose earlier attempt timed out while its request still lingers (loops-client.ts
 * `CreateOptions`), or concurrent requests for one ad-hoc product. In memory, per instance; another
 * instance learns of an unanswered create from the operation record (idempotency-store.ts).
 * Entries leave when their request settles, so the map never holds more than the requests open.
 */
export interface InFlightCreates {
  /**
   * The create under `key`, if one is in flight: it resolves with Loops' answer (late or not), or
   * rejects with the LoopsError that ended it (a failure answer, or no answer within the linger).
   */
  find<T>(key: string): Promise<T> | undefined;
  /** Sends a create through `send`, with this instance's linger options, and keeps it until it settles. */
  send<T>(key: string, send: (options: CreateOptions) => Promise<T>): Promise<T>;
  /** Stops waiting for lingering requests (shutdown); the operation records already say they are unresolved. */
  abandonAll(): void;
}

/**
 * A lingering request stays open this much past its settle window, so that when it ends unanswered
 * the window recorded for it (computed from the same send time, on another clock) has surely ended.
 */
export const LINGER_PAST_WINDOW_MS = 250;

export function createInFlightCreates(settleMs: number): InFlightCreates {
  const requests = new Map<string, Promise<unknown>>();
  const shutdown = new AbortController();
  // Every create in flight listens to this one signal; Node would warn past 10 listeners.
  setMaxListeners(0, shutdown.signal);
  return {
    find: <T>(key: string) => requests.get(key) as Promise<T> | undefined,
    send<T>(key: string, send: (options: CreateOptions) => Promise<T>): Promise<T> {
      const call = send({ lingerMs: settleMs + LINGER_PAST_WINDOW_MS, signal: shutdown.signal });
      // Past the caller's timeout the same request goes on lingering: follow it to its end.
      const eventual = call.catch((error: unknown) => {
        const late = isLoopsError(error) ? error.unresolved?.lateAnswer : undefined;
        if (late) return late as Promise<T>;
        throw error;
      });
      requests.set(key, eventual);
      const forget = () => {
        if (requests.get(key) === eventual) requests.delete(key);
      };
      eventual.then(forget, forget);
      return call;
    },
    abandonAll() {
      shutdown.abort();
    },
  };
}
