import type { Middleware, ParameterizedContext } from 'koa';

export interface RequestRecord {
  method: string;
  path: string;
  status: number | null;
  idempotencyKey: string | null;
  replayed: boolean;
  fault: string | null;
  at: string;
}

const MAX_REQUESTS = 500;

/**
 * Counters for tests ("exactly one Loops session was created", §6). A request is logged when it
 * arrives (status null) and its status filled in when answered, so hung requests show up too.
 */
export class Stats {
  sessionsCreated = 0;
  productsCreated = 0;
  paymentLinksCreated = 0;
  readonly requests: RequestRecord[] = [];

  log(record: RequestRecord): void {
    this.requests.push(record);
    if (this.requests.length > MAX_REQUESTS) this.requests.shift();
  }

  clear(): void {
    this.sessionsCreated = 0;
    this.productsCreated = 0;
    this.paymentLinksCreated = 0;
    this.requests.length = 0;
  }

  snapshot() {
    return {
      sessionsCreated: this.sessionsCreated,
      productsCreated: this.productsCreated,
      paymentLinksCreated: this.paymentLinksCreated,
      requests: this.requests.map((request) => ({ ...request })),
    };
  }
}

/** Logs every non-admin request (admin calls would drown what the tests look for). */
export function statsMiddleware(stats: Stats): Middleware {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/_emulator/')) return next();
    const record: RequestRecord = {
      method: ctx.method,
      path: ctx.path,
      status: null,
      idempotencyKey: ctx.get('idempotency-key') || null,
      replayed: false,
      fault: null,
      at: new Date().toISOString(),
    };
    stats.log(record);
    ctx.state.requestRecord = record;
    try {
      await next();
    } finally {
      record.replayed = ctx.state.replayed === true;
      record.status = ctx.respond === false ? null : ctx.status;
    }
  };
}

/** Marks the request's log entry at once, so a hung request shows its fault while it hangs. */
export function noteFault(ctx: ParameterizedContext, mode: string): void {
  const record = ctx.state.requestRecord as RequestRecord | undefined;
  if (record) record.fault = mode;
}
