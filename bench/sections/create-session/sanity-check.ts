import { freshIdempotencyKey, type CreateSessionRequest } from '../../load/create-session-request';

/**
 * One request before any load: a bench that measures fast 400s or 401s would report a great
 * ratio, so a target that does not create a session stops the run with its answer.
 */
export async function assertCreatesSession(
  name: string,
  baseUrl: string,
  request: CreateSessionRequest,
  looksRight: (body: Record<string, unknown>) => boolean,
): Promise<void> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: { ...request.headers, 'idempotency-key': freshIdempotencyKey() },
    body: request.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const ok = response.status === 200 && typeof body === 'object' && body !== null && looksRight(body as Record<string, unknown>);
  if (!ok) throw new Error(`${name} did not create a session: HTTP ${response.status} ${text.slice(0, 500)}`);
}
