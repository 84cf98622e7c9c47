import { ERROR_CATALOGUE, type ErrorName } from './catalogue';

/**
 * The only error type routes throw; the renderer turns it into Stripe's envelope. These are
 * expected outcomes (bad input, a missing id, Loops unavailable), not bugs, so no stack trace is
 * captured: under a flood of bad requests that capture was the single most expensive step.
 */
export class GatewayError extends Error {
  declare readonly status: number;
  declare readonly errorName: ErrorName;
  declare readonly param: string | undefined;
  declare readonly headers: Record<string, string>;

  constructor(errorName: ErrorName, message: string, param?: string, headers: Record<string, string> = {}, cause?: unknown) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, cause === undefined ? undefined : { cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'GatewayError';
    this.errorName = errorName;
    this.param = param;
    this.headers = headers;
    this.status = ERROR_CATALOGUE[errorName].status;
  }
}

export const isGatewayError = (error: unknown): error is GatewayError => error instanceof GatewayError;
