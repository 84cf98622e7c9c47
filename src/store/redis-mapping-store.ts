import { mappingEntrySchema, productInfoSchema, type MappingEntry } from '../mappings/mapping-file';
import type { TenantKeys } from './keys';
import { adhocProductSchema, type MappingStore } from './mapping-store';
import type { RedisClient } from './redis-connection';
import { redisCall } from './store-unavailable';

/** Mappings as Redis hashes (field = Stripe id, value = JSON entry), one pair per tenant. */
export function createRedisMappingStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys): MappingStore {
  const fields = <T>(record: Record<string, T>) => Object.entries(record).flatMap(([id, value]) => [id, JSON.stringify(value)]);
  const hget = (key: string, field: string) => redisCall(() => redis.hget(key, field));

  return {
    async getPrice(tenantId, id) {
      const json = await hget(keysFor(tenantId).mappings, id);
      return json === null ? undefined : mappingEntrySchema.parse(JSON.parse(json));
    },
    async getProduct(tenantId, id) {
      const json = await hget(keysFor(tenantId).products, id);
      return json === null ? undefined : productInfoSchema.parse(JSON.parse(json));
    },
    async allPrices(tenantId) {
      const all = await redisCall(() => redis.hgetall(keysFor(tenantId).mappings));
      const parsed: Record<string, MappingEntry> = {};
      for (const [id, json] of Object.entries(all)) parsed[id] = mappingEntrySchema.parse(JSON.parse(json));
      return parsed;
    },
    async replaceAll(tenantId, file) {
      const keys = keysFor(tenantId);
      // Build beside the live hashes, then swap both in one MULTI: readers never see half a load.
      const loading = { prices: `${keys.mappings}:loading`, products: `${keys.products}:loading` };
      const prices = fields(file.prices);
      const products = fields(file.products);
      const multi = redis.multi().del(loading.prices, loading.products);
      if (prices.length > 0) multi.hset(loading.prices, ...prices);
      if (products.length > 0) multi.hset(loading.products, ...products);
      multi.del(keys.mappings, keys.products);
      if (prices.length > 0) multi.rename(loading.prices, keys.mappings);
      if (products.length > 0) multi.rename(loading.products, keys.products);
      await redisCall(() => multi.exec());
    },
    async putEntries(tenantId, prices, products) {
      const keys = keysFor(tenantId);
      const multi = redis.multi();
      if (Object.keys(prices).length > 0) multi.hset(keys.mappings, ...fields(prices));
      if (Object.keys(products).length > 0) multi.hset(keys.products, ...fields(products));
      await redisCall(() => multi.exec());
    },
    async getAdhoc(tenantId, hash) {
      const json = await hget(keysFor(tenantId).adhocPrices, hash);
      return json === null ? undefined : adhocProductSchema.parse(JSON.parse(json));
    },
    async putAdhoc(tenantId, hash, product) {
      await redisCall(() => redis.hset(keysFor(tenantId).adhocPrices, hash, JSON.stringify(product)));
    },
  };
}
