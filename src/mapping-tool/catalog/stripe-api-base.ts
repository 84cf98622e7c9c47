import { isIPv4, isIPv6 } from 'node:net';

/** What `new Stripe(key, {host, port, protocol})` needs to reach a non-default Stripe API. */
export interface StripeHost {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/**
 * `--stripe-api-base` / `STRIPE_API_BASE` (e.g. `http://127.0.0.1:12111` for stripe-mock). stripe-node
 * has no base-path option, so a URL with a path is refused rather than silently ignored. The tool
 * sends STRIPE_SECRET_KEY there: plain http is refused unless the host is this machine (stripe-mock,
 * a test double) or `allowInsecure` says the operator means it, and this check runs before the
 * key goes anywhere.
 */
export function parseStripeApiBase(base: string, { allowInsecure = false }: { allowInsecure?: boolean } = {}): StripeHost {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`Stripe API base "${base}" is not a URL (expected e.g. https://api.stripe.com or http://127.0.0.1:12111)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Stripe API base "${base}" must use http or https`);
  if (url.pathname !== '/' && url.pathname !== '') throw new Error(`Stripe API base "${base}" must not have a path: stripe-node always calls /v1/…`);
  if (url.username || url.password || url.search || url.hash) throw new Error(`Stripe API base "${base}" must be scheme, host and port only`);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  // IPv6 literals come back bracketed from URL; Node's http wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (protocol === 'http' && !isLoopback(host) && !allowInsecure)
    throw new Error(
      `Stripe API base "${base}" is plain http to another machine: STRIPE_SECRET_KEY would cross the network unencrypted. Use https, or pass --allow-insecure-stripe-api-base if you mean it.`,
    );
  return { host, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
}

/**
 * This machine: 127.0.0.0/8, ::1 or the name localhost (RFC 6761 reserves it for loopback). URL
 * has already normalised the address (`http://2130706433` is `127.0.0.1`, `[0:0::1]` is `[::1]`).
 */
function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) return host === '::1';
  return host.toLowerCase() === 'localhost';
}
