import type { Middleware } from 'koa';
import type { Clock } from './clock';
import { ApiError, badRequest } from './errors';

const TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
  storedMs: number;
}

/**
 * `Idempotency-Key` on POST/PUT (docs/loops-contract.md §1 [chosen]): same key + same request → the stored
 * response; same key + different request → 409. Keys are scoped to the API key and kept 24 h
 * (emulator clock). Only 2xx responses are stored: a rejected request changed nothing, so a
 * corrected retry under the same key is processed (as Stripe does for validation errors).
 */
export class IdempotencyStore {
  private readonly records = new Map<string, StoredResponse>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly clock: Clock) {}

  get(scope: string): StoredResponse | undefined {
    const record = this.records.get(scope);
    if (record && this.clock.nowMs() - record.storedMs > TTL_MS) {
      this.records.delete(scope);
      return undefined;
    }
    return record;
  }

  store(scope: string, fingerprint: string, status: number, body: unknown): void {
    this.records.set(scope, { fingerprint, status, body, storedMs: this.clock.nowMs() });
  }

  begin(scope: string): boolean {
    if (this.inFlight.has(scope)) return false;
    this.inFlight.add(scope);
    return true;
  }

  end(scope: string): void {
    this.inFlight.delete(scope);
  }

  prune(): void {
    for (const scope of this.records.keys()) this.get(scope);
  }

  clear(): void {
    this.records.clear();
  }
}

/** `honoured()` false: every request runs as if it carried no key (EmulatorOptions.honourIdempotencyKeys). */
export function idempotencyMiddleware(store: IdempotencyStore, honoured: () => boolean = () => true): Middleware {
  return async (ctx, next) => {
    const key = ctx.get('idempotency-key');
    if (!key || (ctx.method !== 'POST' && ctx.method !== 'PUT') || !honoured()) return next();
    if (key.length > MAX_KEY_LENGTH) throw badRequest(`Idempotency-Key may be at most ${MAX_KEY_LENGTH} characters`);
    const scope = `${String(ctx.state.apiKey)}\n${key}`;
    const fingerprint = `${ctx.method} ${ctx.path}\n${canonicalJson(ctx.request.body ?? {})}`;
    const stored = store.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new ApiError(409, 'idempotency_conflict', 'Idempotency-Key was already used with a different request');
      }
      ctx.status = stored.status;
      ctx.body = stored.body;
      ctx.set('Idempotent-Replayed', 'true');
      ctx.state.replayed = true;
      return;
    }
    if (!store.begin(scope)) throw new ApiError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still in progress');
    try {
      await next();
      if (ctx.status >= 200 && ctx.status < 300) store.store(scope, fingerprint, ctx.status, ctx.body);
    } finally {
      store.end(scope);
    }
  };
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` count as the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
