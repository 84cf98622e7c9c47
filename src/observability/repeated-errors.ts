/**
 * For errors a client repeats on every reconnect attempt (ioredis, BullMQ's queue and worker):
 * each distinct message is logged once per outage instead of several times a second for as long
 * as it lasts. `reset()` (the connection is back) lets the next outage be logged afresh.
 */
export function onceEachUntilReset(log: (message: string) => void): { report(error: Error): void; reset(): boolean } {
  const seen = new Set<string>();
  return {
    report(error) {
      // Bounded: a message that varies (a port, a counter) must not grow the set for hours.
      if (seen.has(error.message) || seen.size >= MAX_DISTINCT) return;
      seen.add(error.message);
      log(error.message);
    },
    /** Returns whether anything was reported since the last reset. */
    reset() {
      const hadErrors = seen.size > 0;
      seen.clear();
      return hadErrors;
    },
  };
}

const MAX_DISTINCT = 20;
