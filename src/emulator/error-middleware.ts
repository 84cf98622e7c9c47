import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError, errorBody } from './errors';

/**
 * Renders every failure as `{"error":{"message","code"}}` (docs/loops-contract.md §1). Unknown errors are
 * 500s and logged; koa's own HTTP errors (405 from the router, 413 from the body parser) keep
 * their status.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, code, message } = classify(error);
      if (status >= 500) logger.error({ err: error, path: ctx.path }, 'emulator request failed');
      ctx.status = status;
      ctx.body = errorBody(message, code);
    }
  };
}

function classify(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = status === 405 ? 'method_not_allowed' : status === 413 ? 'payload_too_large' : 'bad_request';
    return { status, code, message: (error as Error).message || 'Bad request' };
  }
  return { status: 500, code: 'internal_error', message: 'Internal emulator error' };
}
