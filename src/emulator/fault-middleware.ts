import type { Middleware, ParameterizedContext } from 'koa';
import { errorBody } from './errors';
import type { Fault, FaultStore } from './faults';
import { noteFault } from './stats';
import type { Timers } from './timers';

/**
 * Applies a matching fault rule (docs/loops-contract.md §6). With `phase: 'after'` the request is fully
 * processed first (state changed, idempotency recorded) and only the response is lost or late:
 * this is how tests play "Loops timed out after creating the session". With `phase: 'during'` the
 * rule is handed to `duringFaultMiddleware`, which applies it once the body has been read: a
 * `latency` there plays "Loops is slow to carry the request out", and carries it out even if the
 * client gave up waiting (a server that has read a request does not notice its client leaving).
 * Admin routes are exempt, so a fault can always be removed.
 */
export function faultMiddleware(faults: FaultStore, timers: Timers): Middleware {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/_emulator/')) return next();
    const fault = faults.take(ctx.method, ctx.path);
    if (!fault) return next();
    noteFault(ctx, fault.mode);
    if (fault.phase === 'during') {
      ctx.state[DURING] = fault;
      await next();
    } else if (fault.phase === 'after') {
      await next();
      await applyAfter(ctx, fault, timers);
    } else {
      await applyBefore(ctx, fault, timers, next);
    }
  };
}

const DURING = 'duringFault';

/** Sits right above the routes (below body parsing and idempotency): applies a `phase: 'during'` rule. */
export function duringFaultMiddleware(timers: Timers): Middleware {
  return async (ctx, next) => {
    const fault = ctx.state[DURING] as Fault | undefined;
    if (!fault) return next();
    await applyBefore(ctx, fault, timers, next);
  };
}

async function applyBefore(ctx: ParameterizedContext, fault: Fault, timers: Timers, next: () => Promise<unknown>): Promise<void> {
  if (fault.mode === 'latency') {
    await timers.sleep(fault.latencyMs ?? 0);
    await next();
    return;
  }
  await applyAfter(ctx, fault, timers);
}

async function applyAfter(ctx: ParameterizedContext, fault: Fault, timers: Timers): Promise<void> {
  switch (fault.mode) {
    case 'latency':
      await timers.sleep(fault.latencyMs ?? 0);
      return;
    case 'error':
      injectError(ctx, fault);
      return;
    case 'drop':
      // No response at all: the client sees a reset connection.
      ctx.respond = false;
      ctx.req.socket.destroy();
      return;
    case 'hang':
      // Never answer; the socket is released when the client gives up or the emulator closes.
      ctx.respond = false;
      await untilClosed(ctx);
      return;
  }
}

function injectError(ctx: ParameterizedContext, fault: Fault): void {
  const message = fault.message ?? `Injected fault ${fault.id}`;
  ctx.status = fault.status ?? 500;
  if (fault.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(fault.retryAfterSeconds));
  switch (fault.body) {
    case 'json':
      ctx.body = errorBody(message, fault.code ?? 'emulator_fault');
      return;
    case 'text':
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = `<html><body>${message}</body></html>`;
      return;
    case 'empty':
      // Koa would turn a null body into a 204; an explicit empty string keeps the status.
      ctx.body = '';
      return;
  }
}

function untilClosed(ctx: ParameterizedContext): Promise<void> {
  const socket = ctx.req.socket;
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
