/**
 * Redirect URLs after the hosted page (docs/loops-contract.md §4): `{CHECKOUT_SESSION_ID}` is replaced
 * anywhere (also in its percent-encoded form, in case a client normalised the URL), then
 * `session_id=<id>&status=<status>` is appended with `?`, or with `&` when a query exists. A
 * `#fragment` stays at the very end, where browsers expect it.
 */
export type RedirectStatus = 'completed' | 'canceled' | 'failed';

const PLACEHOLDERS = ['{CHECKOUT_SESSION_ID}', '%7BCHECKOUT_SESSION_ID%7D', '%7bCHECKOUT_SESSION_ID%7d'];

export function redirectUrl(template: string, sessionId: string, status: RedirectStatus): string {
  const replaced = PLACEHOLDERS.reduce((url, placeholder) => url.split(placeholder).join(sessionId), template);
  const hashAt = replaced.indexOf('#');
  const base = hashAt === -1 ? replaced : replaced.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : replaced.slice(hashAt);
  const params = `session_id=${encodeURIComponent(sessionId)}&status=${status}`;
  return `${base}${joiner(base)}${params}${fragment}`;
}

function joiner(base: string): string {
  if (!base.includes('?')) return '?';
  return base.endsWith('?') || base.endsWith('&') ? '' : '&';
}
