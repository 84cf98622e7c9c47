import type { Middleware } from 'koa';
import { ApiError } from './errors';

/** `Authorization: Bearer <key>` on every `/api/…` request (docs/loops-contract.md §1); anything else is 401. */
export function authMiddleware(apiKeys: readonly string[]): Middleware {
  const accepted = new Set(apiKeys);
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
    const key = match?.[1];
    if (!key || !accepted.has(key)) throw new ApiError(401, 'unauthorized', 'Invalid or missing API key');
    ctx.state.apiKey = key;
    return next();
  };
}
