import type { Context } from 'koa';

/**
 * Every JSON answer leaves as one pre-serialised string, so the bytes a client saw are the bytes
 * the idempotency layer stores and replays.
 */
export function sendJson(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

/** An answer already serialised by the service (the bytes it stored for idempotent replay). */
export function sendSerializedJson(ctx: Context, status: number, json: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = json;
}
