import { Redis } from 'ioredis';
import { readCpuSeconds } from '../../harness';

/** CPU seconds (user + system) used so far by each process taking part; undefined where unreadable. */
export type CpuSnapshot = Record<'gateway' | 'redis' | 'receiver' | 'emulator' | 'loadGenerator', number | undefined>;

/** Redis's own count (`INFO cpu`), so it works for a REDIS_URL the bench did not start too. */
async function redisCpuSeconds(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
    const seconds = field('used_cpu_user') + field('used_cpu_sys');
    return Number.isFinite(seconds) ? seconds : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

export async function cpuSnapshot(pids: { gateway?: number; receiver?: number; emulator?: number }, redisUrl: string): Promise<CpuSnapshot> {
  const own = process.cpuUsage();
  const read = (pid: number | undefined) => (pid === undefined ? undefined : readCpuSeconds(pid));
  return {
    gateway: read(pids.gateway),
    redis: await redisCpuSeconds(redisUrl),
    receiver: read(pids.receiver),
    emulator: read(pids.emulator),
    loadGenerator: (own.user + own.system) / 1e6,
  };
}

/** Per process: CPU seconds between two snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const diff = (key: keyof CpuSnapshot) => {
    const a = before[key];
    const b = after[key];
    return a === undefined || b === undefined ? undefined : b - a;
  };
  return {
    gateway: diff('gateway'),
    redis: diff('redis'),
    receiver: diff('receiver'),
    emulator: diff('emulator'),
    loadGenerator: diff('loadGenerator'),
  };
}
