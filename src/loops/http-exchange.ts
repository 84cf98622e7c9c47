import { util, type Dispatcher } from 'undici';

/** The methods the Loops API uses (docs/loops-contract.md §3, §8.2: DELETE ends a subscription). */
export type LoopsHttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ExchangeRequest {
  origin: string;
  path: string;
  method: LoopsHttpMethod;
  headers: Record<string, string>;
  body?: string;
  /** Waiting for the status line and headers, then between body chunks. */
  timeoutMs: number;
  /**
   * Called when the request is handed to a connected socket, just before it is written: from then
   * on the other side may receive it (before, it is still only queued in the pool).
   */
  onSent?: () => void;
  /** Ends the exchange with the signal's reason: a queued request is never written, a sent one is cut off. */
  signal?: AbortSignal;
}

export interface ExchangeResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request through undici's dispatcher, collecting the (small, JSON) answer into a string.
 * undici's `request()` wraps every response body in a Readable stream; for calls answered with a
 * few KB of JSON that stream was a measurable share of each checkout's CPU.
 */
export function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let statusCode = 0;
    let headers: ExchangeResponse['headers'] = {};
    const { signal } = request;
    let abortSent: ((error: Error) => void) | undefined;
    const onAbort = () => {
      const reason = abortReason(signal);
      // Queued: rejected now, and never written (onConnect sees the signal). Sent: cut off.
      if (abortSent) abortSent(reason);
      else reject(reason);
    };
    const settle = () => signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) return reject(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    dispatcher.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      },
      {
        onConnect(abort) {
          if (signal?.aborted) return abort(abortReason(signal));
          abortSent = abort;
          request.onSent?.();
        },
        onHeaders(status, rawHeaders) {
          statusCode = status;
          headers = util.parseHeaders(rawHeaders);
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          settle();
          resolve({ statusCode, headers, body: Buffer.concat(chunks).toString('utf8') });
        },
        onError(error) {
          settle();
          reject(error);
        },
      },
    );
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('The exchange was aborted'), { name: 'AbortError' });
}
