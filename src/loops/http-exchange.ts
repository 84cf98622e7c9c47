import { util, type Dispatcher } from 'undici';

/** The methods the Loops API uses (loops-api.md §3, §8.2: DELETE ends a subscription). */
export type LoopsHttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ExchangeRequest {
  origin: string;
  path: string;
  method: LoopsHttpMethod;
  headers: Record<string, string>;
  body?: string;
  /** Waiting for the status line and headers, then between body chunks. */
  timeoutMs: number;
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
        onConnect() {},
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
          resolve({ statusCode, headers, body: Buffer.concat(chunks).toString('utf8') });
        },
        onError(error) {
          reject(error);
        },
      },
    );
  });
}
