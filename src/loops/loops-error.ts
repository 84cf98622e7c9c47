/**
 * A failed Loops call, classified once so translation and retry rules can switch on `kind`.
 * `message` never contains the request body or credentials.
 */
export type LoopsFailure =
  | { kind: 'http'; status: number; code?: string; message: string; retryAfterSeconds?: number }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string }
  | { kind: 'invalid_response'; detail: string };

export class LoopsError extends Error {
  constructor(
    readonly failure: LoopsFailure,
    readonly operation: string,
  ) {
    super(`Loops ${operation} failed: ${describe(failure)}`);
    this.name = 'LoopsError';
  }
}

function describe(failure: LoopsFailure): string {
  switch (failure.kind) {
    case 'http':
      return `HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}`;
    case 'timeout':
      return 'timed out';
    case 'network':
      return `network error ${failure.code}`;
    case 'invalid_response':
      return `unexpected response (${failure.detail})`;
  }
}

export const isLoopsError = (error: unknown): error is LoopsError => error instanceof LoopsError;
