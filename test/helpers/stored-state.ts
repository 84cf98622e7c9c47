import Redis from 'ioredis';
import type { Stack } from './stack';

/**
 * Everything a stack has stored, to check that a request changed nothing: every Redis key of the
 * gateway (logical values, since DUMP of a hash changes as Redis rehashes), the number of sessions
 * Loops created, and Loops' view of the sessions named. Redis stacks only.
 *
 * The gateway's keys live in two namespaces: `<prefix>:{tenant}:…` (src/store/keys.ts) and the
 * delivery queue's `{<prefix>:queue}:…` (BullMQ's prefix, src/webhooks/create-delivery-queue.ts),
 * so a request that enqueued a delivery directly would show up too.
 */
function storedStateNamespaces(prefix: string): string[] {
  return [`${prefix}:*`, `{${prefix}:queue}:*`];
}

export function storedStateProbe(stack: Stack, loopsSessions: () => string[] = () => []) {
  const redis = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: 1 });
  const prefix = stack.env.REDIS_KEY_PREFIX;
  if (!prefix) throw new Error('storedStateProbe needs a Redis stack (REDIS_KEY_PREFIX)');

  async function logicalValue(key: string): Promise<string> {
    switch (await redis.type(key)) {
      case 'string':
        return `string:${await redis.get(key)}`;
      case 'hash':
        return `hash:${JSON.stringify(Object.entries(await redis.hgetall(key)).sort())}`;
      case 'zset':
        return `zset:${JSON.stringify(await redis.zrange(key, 0, '-1', 'WITHSCORES'))}`;
      case 'list':
        return `list:${JSON.stringify(await redis.lrange(key, 0, -1))}`;
      case 'set':
        return `set:${JSON.stringify((await redis.smembers(key)).sort())}`;
      default:
        return `other:${(await redis.dumpBuffer(key))?.toString('hex')}`;
    }
  }

  async function snapshot(): Promise<Record<string, string>> {
    const keys = (await Promise.all(storedStateNamespaces(prefix ?? '').map((pattern) => redis.keys(pattern)))).flat().sort();
    const values = await Promise.all(keys.map((key) => logicalValue(key)));
    const state: Record<string, string> = Object.fromEntries(keys.map((key, i) => [key, values[i] ?? '']));
    state['loops:sessionsCreated'] = String((await stack.loops.admin('GET', '/_emulator/stats')).json.sessionsCreated);
    for (const id of loopsSessions()) {
      const session = await stack.loops.admin('GET', `/_emulator/sessions/${id}`);
      state[`loops:session:${id}`] = JSON.stringify({ status: session.json.status, v2: session.json.v2 });
    }
    return state;
  }

  /** What differs from `before`: `+key`, `-key` or `~key`; empty when nothing changed. */
  async function changesSince(before: Record<string, string>): Promise<string[]> {
    const after = await snapshot();
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) =>
      before[key] === after[key] ? [] : [`${before[key] === undefined ? '+' : after[key] === undefined ? '-' : '~'}${key}`],
    );
  }

  return { redis, snapshot, changesSince, close: () => redis.disconnect() };
}
