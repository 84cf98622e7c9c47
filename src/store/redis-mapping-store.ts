import { mappingEntrySchema, productInfoSchema, type MappingEntry, type ProductInfo } from '../mappings/mapping-file';
import type { TenantKeys } from './keys';
import { adhocProductSchema, type MappingStore } from './mapping-store';
import type { RedisClient } from './redis-connection';
import { guardStore } from './store-unavailable';

/** Mappings as Redis hashes (field = Stripe id, value = JSON entry), one pair per tenant. */
export function createRedisMappingStore(redis: RedisClient, keysFor: (tenantId: string) => TenantKeys): MappingStore {
  const entries = <T>(record: Record<string, T>) => Object.entries(record).flatMap(([id, value]) => [id, JSON.stringify(value)]);

  return {
    getPrice: (tenantId, id) =>
      guardStore(async () => {
        const json = await redis.hget(keysFor(tenantId).mappings, id);
        return json === null ? undefined : mappingEntrySchema.parse(JSON.parse(json));
      }),
    getProduct: (tenantId, id) =>
      guardStore(async () => {
        const json = await redis.hget(keysFor(tenantId).products, id);
        return json === null ? undefined : productInfoSchema.parse(JSON.parse(json));
      }),
    allPrices: (tenantId) =>
      guardStore(async () => {
        const all = await redis.hgetall(keysFor(tenantId).mappings);
        const parsed: Record<string, MappingEntry> = {};
        for (const [id, json] of Object.entries(all)) parsed[id] = mappingEntrySchema.parse(JSON.parse(json));
        return parsed;
      }),
    replaceAll: (tenantId, file) =>
      guardStore(async () => {
        const keys = keysFor(tenantId);
        // Build beside the live hashes, then swap both in one MULTI: readers never see half a load.
        const loading = { prices: `${keys.mappings}:loading`, products: `${keys.products}:loading` };
        const multi = redis.multi().del(loading.prices, loading.products);
        const prices = entries(file.prices);
        const products = entries(file.products);
        if (prices.length > 0) multi.hset(loading.prices, ...prices);
        if (products.length > 0) multi.hset(loading.products, ...products);
        multi.del(keys.mappings, keys.products);
        if (prices.length > 0) multi.rename(loading.prices, keys.mappings);
        if (products.length > 0) multi.rename(loading.products, keys.products);
        await multi.exec();
      }),
    putEntries: (tenantId, prices, products) =>
      guardStore(async () => {
        const keys = keysFor(tenantId);
        const multi = redis.multi();
        if (Object.keys(prices).length > 0) multi.hset(keys.mappings, ...entries(prices));
        if (Object.keys(products).length > 0) multi.hset(keys.products, ...entries(products));
        await multi.exec();
      }),
    getAdhoc: (tenantId, hash) =>
      guardStore(async () => {
        const json = await redis.hget(keysFor(tenantId).adhocPrices, hash);
        return json === null ? undefined : adhocProductSchema.parse(JSON.parse(json));
      }),
    putAdhoc: (tenantId, hash, product) =>
      guardStore(async () => {
        await redis.hset(keysFor(tenantId).adhocPrices, hash, JSON.stringify(product));
      }),
  };
}

export type { MappingEntry, ProductInfo };
