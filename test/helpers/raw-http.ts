import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent as is in the request line (printable ASCII; callers percent-encode the rest). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Gives up (rejects) when aborted, e.g. `AbortSignal.timeout(ms)` for a bounded wait. */
  signal?: AbortSignal;
}

/**
 * One HTTP request with nothing normalised: fetch would re-encode the path, refuse some header
 * values and add its own content type, and hostile-input tests need exactly the bytes they chose.
 */
export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers = { ...options.headers };
  // Node frames a GET/DELETE body only when told its length; without it the bytes would be read
  // as the next request on the connection.
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const target = { host: url.hostname, port: url.port, method: options.method, path: options.path, headers, agent: false, signal: options.signal };
    const req = request(target, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
