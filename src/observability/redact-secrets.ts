/**
 * Censors every field whose name says it holds a credential, at any depth and in any spelling
 * (`authorization`, `Authorization`, `apiKeys`, `LOOPS_API_KEY`, `x-loops-signature`, …), so a
 * secret never reaches a log line even when a whole config object or header bag is logged by
 * mistake. Names are compared lower-cased with separators removed.
 */
const SECRET_NAME = /(authorization|cookie|password|secret|secrets|secretkey|apikey|apikeys|signature|token)$/;
const MAX_DEPTH = 12;
export const REDACTED = '[REDACTED]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** A copy with secrets censored; the very same object when there is nothing to censor. */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => redact(item, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  // Only plain objects: errors, buffers and class instances go to pino's own serialisers untouched.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value)) {
    const next = isSecretName(key) && inner !== undefined && inner !== null ? REDACTED : redact(inner, depth + 1);
    if (next !== inner) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}
