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

/**
 * Loops refused a change as it stands (a 4xx other than auth, not-found, timeout or rate limit):
 * for a session the gateway still has open, most likely because Loops has ended it and its webhook
 * is lost or late. Loops' wording and codes are not part of the contract (loops-api.md §1, §7.6),
 * so callers ask Loops for the session's state instead of reading the message.
 */
export function isLoopsRefusal(error: LoopsError): boolean {
  const { failure } = error;
  return failure.kind === 'http' && failure.status >= 400 && failure.status < 500 && ![401, 403, 404, 408, 429].includes(failure.status);
}
