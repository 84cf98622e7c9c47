/**
 * A failed Loops call, classified once so translation and retry rules can switch on `kind`.
 * `message` never contains the request body or credentials.
 */
export type LoopsFailure =
  | { kind: 'http'; status: number; code?: string; message: string; retryAfterSeconds?: number }
  | { kind: 'timeout' }
  | { kind: 'network'; code: string }
  | { kind: 'invalid_response'; detail: string };

/**
 * A POST that Loops received, or may have, and never answered: Loops may have carried it out, or
 * may still (docs/loops-contract.md §7.7 leaves open whether a retry with the same `Idempotency-Key` would
 * be recognised). Callers that create decide what a retry may do (services/checkout-sessions/create-in-loops.ts).
 */
export interface UnresolvedCall {
  /** How long before the error was raised the request was handed to the connection. */
  sentMsAgo: number;
  /**
   * Only when the call was made with `lingerMs`: the same request, still waiting for Loops'
   * answer. It resolves with the answer, or rejects with a LoopsError when Loops answers a failure
   * or the linger ends (`lingerMs` after sending) with no answer.
   */
  lateAnswer?: Promise<unknown>;
}

export class LoopsError extends Error {
  constructor(
    readonly failure: LoopsFailure,
    readonly operation: string,
    readonly unresolved?: UnresolvedCall,
  ) {
    super(`Loops ${operation} failed: ${describe(failure)}`);
    this.name = 'LoopsError';
  }
}

/** Network failures that happen before a request can reach Loops (no connection, no address). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a failed request may still have been carried out by Loops: it timed out, or the
 * connection failed once the request could have been sent. An answer (any HTTP status, or one the
 * gateway could not read) settles the call: whatever Loops did, it has done.
 */
export function leavesOutcomeUnknown(failure: LoopsFailure): boolean {
  if (failure.kind === 'timeout') return true;
  return failure.kind === 'network' && !NOT_SENT_CODES.has(failure.code);
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
 * is lost or late. Loops' wording and codes are not part of the contract (docs/loops-contract.md §1, §7.6),
 * so callers ask Loops for the session's state instead of reading the message.
 */
export function isLoopsRefusal(error: LoopsError): boolean {
  const { failure } = error;
  return failure.kind === 'http' && failure.status >= 400 && failure.status < 500 && ![401, 403, 404, 408, 429].includes(failure.status);
}
