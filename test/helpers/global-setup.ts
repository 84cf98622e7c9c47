import { startRedisServer } from './redis-server';

/**
 * One Redis for the whole run: `REDIS_URL` when given, otherwise a redis-server child process on a
 * free port. Each suite isolates itself with its own key prefix. Workers inherit `process.env`.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  (globalThis as { __redis?: typeof redis }).__redis = redis;
}
