import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request values that every log line carries without threading them through calls. */
export interface RequestContext {
  requestId: string;
  tenantId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
