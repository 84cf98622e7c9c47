import { ERROR_CATALOGUE, type ErrorName } from './catalogue';

/** The only error type routes throw; the renderer turns it into Stripe's envelope. */
export class GatewayError extends Error {
  readonly status: number;

  constructor(
    readonly errorName: ErrorName,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'GatewayError';
    this.status = ERROR_CATALOGUE[errorName].status;
  }
}

export const isGatewayError = (error: unknown): error is GatewayError => error instanceof GatewayError;
