import { acquireRunLease, LeaseBusyError } from '../../src/mapping-tool/lock/run-lease';
import { waitFor } from '../helpers/wait-for';
import { testRedis } from '../helpers/redis-client';

/** One mapping run per tenant at a time, on the real test Redis. */
describe('run lease (Redis)', () => {
  const { redis, prefix } = testRedis();
  afterAll(() => redis.quit());
  let n = 0;
  const key = () => `${prefix}:{acme}:lock:map-products:${++n}`;

  it('a second run waits until the first releases, then proceeds', async () => {
    const lock = key();
    const first = await acquireRunLease(redis, lock, { waitMs: 0 });
    let waited = false;
    const second = acquireRunLease(redis, lock, { waitMs: 5_000, onWait: () => (waited = true) });
    await waitFor(() => waited, 2_000, 'the second run to start waiting');
    await first.release();
    const got = await second;
    expect(JSON.parse((await redis.get(lock)) ?? '{}')).toMatchObject({ pid: process.pid });
    await got.release();
    expect(await redis.get(lock)).toBeNull();
  });

  it('gives up after --lock-wait with who holds it', async () => {
    const lock = key();
    const held = await acquireRunLease(redis, lock, { waitMs: 0, host: 'laptop-a' });
    await expect(acquireRunLease(redis, lock, { waitMs: 300, host: 'laptop-b' })).rejects.toThrow(
      new LeaseBusyError(
        `another mapping run holds the lock for this tenant (pid ${process.pid} on laptop-a, started ${JSON.parse((await redis.get(lock)) ?? '{}').startedAt})`,
      ),
    );
    await held.release();
  });

  it('takes over at once from a dead process on the same host; not from a live one or another host', async () => {
    const lock = key();
    await redis.set(lock, JSON.stringify({ token: 't', host: 'here', pid: 999_999, startedAt: 'earlier' }), 'PX', 60_000);
    await expect(acquireRunLease(redis, lock, { waitMs: 0, host: 'elsewhere', isAlive: () => false })).rejects.toBeInstanceOf(LeaseBusyError);
    await expect(acquireRunLease(redis, lock, { waitMs: 0, host: 'here', isAlive: () => true })).rejects.toBeInstanceOf(LeaseBusyError);
    const taken = await acquireRunLease(redis, lock, { waitMs: 0, host: 'here', isAlive: () => false });
    expect(JSON.parse((await redis.get(lock)) ?? '{}')).toMatchObject({ host: 'here', pid: process.pid });
    await taken.release();
  });

  it('is renewed while held, and signals the run to stop if it was lost', async () => {
    const lock = key();
    const lease = await acquireRunLease(redis, lock, { waitMs: 0, renewEveryMs: 20 });
    await redis.pexpire(lock, 1_000);
    await waitFor(async () => (await redis.pttl(lock)) > 1_000, 2_000, 'the renewal');
    expect(lease.lost.aborted).toBe(false);
    // Another run took it (say this one stalled past the TTL): this one must stop creating.
    await redis.set(lock, 'someone else');
    await waitFor(() => lease.lost.aborted, 2_000, 'the lease to be reported lost');
    await lease.release();
    expect(await redis.get(lock)).toBe('someone else');
  });
});
