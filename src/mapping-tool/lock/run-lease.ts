import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { RedisClient } from '../../store/redis-connection';
import { redisCall } from '../../store/store-unavailable';

export const RUN_LEASE = {
  /** A crashed holder's lease lapses after this long, even on another machine. */
  ttlMs: 15_000,
  renewEveryMs: 5_000,
  pollMs: 250,
} as const;

const holderSchema = z.object({ token: z.string(), host: z.string(), pid: z.number().int(), startedAt: z.string() });
export type LeaseHolder = z.infer<typeof holderSchema>;

export interface RunLease {
  /** Aborted if the lease was lost (Redis expired it while this run was stalled): stop creating. */
  lost: AbortSignal;
  release(): Promise<void>;
}

export class LeaseBusyError extends Error {
  override name = 'LeaseBusyError';
}

export interface LeaseOptions {
  waitMs: number;
  onWait?(holder: LeaseHolder | undefined): void;
  host?: string;
  /** Whether a process of this host is alive; a dead holder on this host is taken over at once. */
  isAlive?(pid: number): boolean;
  /** Default RUN_LEASE.renewEveryMs. */
  renewEveryMs?: number;
}

const IF_HOLDER = (action: string) => `if redis.call('get', KEYS[1]) == ARGV[1] then ${action} else return 0 end`;
const RENEW = IF_HOLDER("return redis.call('pexpire', KEYS[1], ARGV[2])");
const RELEASE = IF_HOLDER("return redis.call('del', KEYS[1])");
const TAKE_OVER = IF_HOLDER("return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) and 1 or 0");

/**
 * One mapping run per tenant at a time, across machines that share the gateway's Redis: a second
 * run waits, then lists Loops and links what the first one created, instead of racing it to create
 * the same products (Loops' Idempotency-Key handling is unknown, docs/loops-contract.md §7.7). The lease is
 * renewed while the run lives; a SIGKILLed run's lease lapses after `ttlMs`, or at once when the
 * next run is on the same host and sees the holder's process is gone.
 */
export async function acquireRunLease(redis: RedisClient, key: string, options: LeaseOptions): Promise<RunLease> {
  const host = options.host ?? osHostname();
  const isAlive = options.isAlive ?? processIsAlive;
  const me: LeaseHolder = { token: randomUUID(), host, pid: process.pid, startedAt: new Date().toISOString() };
  const value = JSON.stringify(me);
  const deadline = Date.now() + options.waitMs;
  let told = false;

  for (;;) {
    // Redis out of reach fails as the stores do (store_unavailable): the CLI's one line and exit 3.
    if ((await redisCall(() => redis.set(key, value, 'PX', RUN_LEASE.ttlMs, 'NX'))) === 'OK') break;
    const raw = await redisCall(() => redis.get(key));
    const holder = parseHolder(raw);
    if (raw !== null && holder && holder.host === host && holder.pid !== process.pid && !isAlive(holder.pid)) {
      if (Number(await redisCall(() => redis.eval(TAKE_OVER, 1, key, raw, value, String(RUN_LEASE.ttlMs)))) === 1) break;
    }
    if (Date.now() >= deadline) throw new LeaseBusyError(`another mapping run holds the lock for this tenant (${describeHolder(holder)})`);
    if (!told) options.onWait?.(holder);
    told = true;
    await sleep(RUN_LEASE.pollMs);
  }

  const lost = new AbortController();
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, value, String(RUN_LEASE.ttlMs))
      .then((renewed) => {
        if (Number(renewed) !== 1) lost.abort(new Error('the mapping lock was lost'));
      })
      .catch(() => {});
  }, options.renewEveryMs ?? RUN_LEASE.renewEveryMs);
  timer.unref();
  return {
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, value).catch(() => {});
    },
  };
}

export function describeHolder(holder: LeaseHolder | undefined): string {
  return holder ? `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}` : 'holder unknown';
}

function parseHolder(raw: string | null): LeaseHolder | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = holderSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
