import type { MappingEntry, ProductInfo } from '../mappings/mapping-file';
import type { AdhocProduct, MappingStore } from './mapping-store';

export function createMemoryMappingStore(): MappingStore {
  const prices = new Map<string, Map<string, MappingEntry>>();
  const products = new Map<string, Map<string, ProductInfo>>();
  const adhoc = new Map<string, Map<string, AdhocProduct>>();
  const of = <T>(maps: Map<string, Map<string, T>>, tenantId: string) => {
    let map = maps.get(tenantId);
    if (!map) maps.set(tenantId, (map = new Map()));
    return map;
  };

  return {
    getPrice: async (tenantId, id) => structuredClone(of(prices, tenantId).get(id)),
    getProduct: async (tenantId, id) => structuredClone(of(products, tenantId).get(id)),
    allPrices: async (tenantId) => structuredClone(Object.fromEntries(of(prices, tenantId))),
    async replaceAll(tenantId, file) {
      prices.set(tenantId, new Map(Object.entries(structuredClone(file.prices))));
      products.set(tenantId, new Map(Object.entries(structuredClone(file.products))));
    },
    async putEntries(tenantId, newPrices, newProducts) {
      for (const [id, entry] of Object.entries(newPrices)) of(prices, tenantId).set(id, structuredClone(entry));
      for (const [id, info] of Object.entries(newProducts)) of(products, tenantId).set(id, structuredClone(info));
    },
    getAdhoc: async (tenantId, hash) => structuredClone(of(adhoc, tenantId).get(hash)),
    async putAdhoc(tenantId, hash, product) {
      of(adhoc, tenantId).set(hash, structuredClone(product));
    },
  };
}
