import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../../errors';
import { LOOPS_RETRY } from '../../loops/retry-policy';
import type { SessionStore } from '../../store/session-store';

export interface SessionUpdateLock {
  /** How long a holder keeps the lock if it dies holding it. */
  leaseMs: number;
  /** How long a request waits for its turn before answering `lock_timeout` (429, retryable). */
  waitMs: number;
}

/** A waiter asks again after 2, 4, 8 … ms, at most every 50 ms, jittered so waiters spread out. */
const pollDelayMs = (attempt: number) => Math.min(50, 2 ** (attempt + 1)) * (0.5 + Math.random() / 2);

/**
 * The update lock's timing. The lease outlasts the slowest holder: one Loops PUT with every
 * attempt timing out and waiting the longest Retry-After between, plus the store's round trips.
 * The wait lets a burst of a hundred and more updates of one session take their turns (a few ms
 * each against a local Loops) well inside stripe-node's 80 s timeout.
 */
export function sessionUpdateLock(loopsTimeoutMs: number): SessionUpdateLock {
  const attempts = LOOPS_RETRY.maxAttempts;
  return { leaseMs: loopsTimeoutMs * attempts + LOOPS_RETRY.maxRetryAfterMs * (attempts - 1) + 5_000, waitMs: 30_000 };
}

/**
 * Runs `work` holding the session's update lock, so metadata updates of one session take turns:
 * each reads what the last stored, tells Loops, then stores the same, and Loops and the gateway
 * receive the writes in the same order — the last write wins on both (issue 10: 150 parallel
 * updates left Loops differing on 34 of 40 keys, and 15 answered 500).
 *
 * The lock is Redis's (SessionStore.lockForUpdate), shared by every instance. Within one instance
 * updates of a session first queue in order in memory, so a burst waits its turn without a
 * hundred requests polling Redis; only the head of each instance's queue asks for the lock.
 */
export function createSessionUpdateLocks(sessions: SessionStore, lock: SessionUpdateLock) {
  /** The last update queued per session on this instance; it resolves when that one is done. */
  const queues = new Map<string, Promise<void>>();

  async function acquire(tenantId: string, id: string, token: string, deadline: number): Promise<void> {
    for (let attempt = 0; !(await sessions.lockForUpdate(tenantId, id, token, lock.leaseMs)); attempt++) {
      if (performance.now() >= deadline) throw lockTimeout();
      await sleep(pollDelayMs(attempt));
    }
  }

  return async function withSessionUpdateLock<T>(tenantId: string, id: string, work: () => Promise<T>): Promise<T> {
    const deadline = performance.now() + lock.waitMs;
    const key = `${tenantId}\u0000${id}`;
    const before = queues.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
    queues.set(key, mine);
    try {
      await before;
      if (performance.now() >= deadline) throw lockTimeout();
      const token = randomUUID();
      await acquire(tenantId, id, token, deadline);
      try {
        return await work();
      } finally {
        // A release that fails (Redis away) leaves the lock to lapse with its lease.
        await sessions.unlockForUpdate(tenantId, id, token).catch(() => undefined);
      }
    } finally {
      await before;
      done();
      if (queues.get(key) === mine) queues.delete(key);
    }
  };
}

export type SessionUpdateLocks = ReturnType<typeof createSessionUpdateLocks>;

const lockTimeout = () =>
  new GatewayError('lock_timeout', 'This checkout session is being updated by other requests. Please retry: nothing was changed.');
