import type { LoopsClient } from '../../src/loops/loops-client';
import { LoopsError, type LoopsFailure } from '../../src/loops/loops-error';
import type { LoopsV3CreateProductBody, LoopsV3Product } from '../../src/loops/loops-schemas';

/**
 * A scripted Loops for unit tests: each create consumes the next scripted outcome — `ok`,
 * a failure before anything was made, or a failure after the product was made ("lost answer").
 * Unlike the emulator it ignores Idempotency-Keys, so tests see what the re-check alone prevents.
 */
export type Step = 'ok' | { fail: LoopsFailure; made?: boolean };

export function fakeLoops(script: Step[] = []) {
  const products: LoopsV3Product[] = [];
  const calls = { creates: [] as { body: LoopsV3CreateProductBody; key: string }[], lists: 0 };
  /** Set to make every listing fail from now on (Loops unreachable for reads too). */
  const state: { listFailure: LoopsFailure | undefined } = { listFailure: undefined };
  const make = (body: LoopsV3CreateProductBody): LoopsV3Product => {
    const product: LoopsV3Product = {
      id: `prod_fake_${products.length + 1}`,
      name: body.name,
      default_price: `price_fake_${products.length + 1}`,
      priceAmount: String(body.priceAmount),
      priceCurrency: body.priceCurrency.toUpperCase(),
      recurringInterval: body.recurringInterval ?? null,
      active: true,
      metadata: body.metadata ?? {},
    };
    products.push(product);
    return product;
  };
  const unused = async (): Promise<never> => {
    throw new Error('not used by the mapping tool');
  };
  const client: LoopsClient = {
    async createProductV3(body, key) {
      calls.creates.push({ body, key });
      const step = script.shift() ?? 'ok';
      if (step === 'ok') return make(body);
      if (step.made) make(body);
      throw new LoopsError(step.fail, 'createProductV3');
    },
    async listProductsV3(limit, offset) {
      calls.lists++;
      if (state.listFailure) throw new LoopsError(state.listFailure, 'listProductsV3');
      return { data: products.slice(offset, offset + limit), hasMore: offset + limit < products.length };
    },
    async getProductV3(id) {
      const found = products.find((product) => product.id === id);
      if (!found) throw new LoopsError({ kind: 'http', status: 404, message: 'Product Not Found' }, 'getProductV3');
      return found;
    },
    createSessionV3: unused,
    listSessionsV3: unused,
    createSessionV2: unused,
    getSessionV3: unused,
    getSessionV2: unused,
    updateSessionV2: unused,
    getSubscription: unused,
    listSubscriptions: unused,
    updateSubscription: unused,
    cancelSubscription: unused,
    createPortalSession: unused,
  };
  return { client, products, calls, state, make };
}

export const http = (status: number, code?: string): LoopsFailure => ({ kind: 'http', status, message: `HTTP ${status}`, ...(code ? { code } : {}) });
