import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection';

/**
 * A Lua script run by its SHA (EVALSHA), falling back to sending the source once Redis has
 * forgotten it (restart, SCRIPT FLUSH, a new cluster node): the hot path sends 40 bytes, not the
 * whole script, on every call.
 */
export function luaScript(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}

/**
 * The head of a versioned write script: KEYS[1] is the record, ARGV[1] the version it was read at
 * ('' to insert). Returns 0 when an insert finds the id taken, -1 when the record is gone, -2 when
 * it changed since it was read; otherwise the script goes on to write. Prepend it to the body.
 */
export const INSERT_OR_COMPARE_VERSION_LUA = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
else
  if not current then return -1 end
  if tostring(cjson.decode(current).version) ~= ARGV[1] then return -2 end
end
`;
