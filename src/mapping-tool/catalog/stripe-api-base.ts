/** What `new Stripe(key, {host, port, protocol})` needs to reach a non-default Stripe API. */
export interface StripeHost {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/**
 * `--stripe-api-base` / `STRIPE_API_BASE` (e.g. `http://127.0.0.1:12111` for stripe-mock). stripe-node
 * has no base-path option, so a URL with a path is refused rather than silently ignored.
 */
export function parseStripeApiBase(base: string): StripeHost {
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
  return {
    // IPv6 literals come back bracketed from URL; Node's http wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
  };
}
