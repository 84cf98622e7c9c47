import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { tenantKeys } from '../../src/store/keys';

/** A client on the test Redis plus a key namespace nobody else uses. */
export function testRedis() {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run the tests through jest (test/helpers/global-setup.ts)');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  return { redis, prefix, keysFor: (tenantId: string) => tenantKeys(prefix, tenantId) };
}
