import type { Context } from 'koa';

/**
 * What koa's `ctx.type = 'application/json'` sets, written directly: the type setter looks the
 * media type up (mime-types, through a cache) on every answer.
 */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Every JSON answer leaves as one pre-serialised string, so the bytes a client saw are the bytes
 * the idempotency layer stores and replays.
 */
export function sendJson(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Content-Type', JSON_CONTENT_TYPE);
  ctx.body = JSON.stringify(body);
}

/** An answer already serialised by the service (the bytes it stored for idempotent replay). */
export function sendSerializedJson(ctx: Context, status: number, json: string): void {
  ctx.status = status;
  ctx.set('Content-Type', JSON_CONTENT_TYPE);
  ctx.body = json;
}
