import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { StripeObject } from './stripe-catalog-fixtures';

/** A fake Stripe key: the server accepts only this one. */
export const STRIPE_CATALOG_KEY = 'sk_test_catalog_fake_0001';

export interface StripeCatalogServer {
  url: string;
  port: number;
  host: { host: string; port: number; protocol: 'http' };
  /** Every request, for "it read every page" assertions. */
  requests: { method: string; path: string; query: URLSearchParams }[];
  close(): Promise<void>;
}

/**
 * A small Stripe-compatible catalog API, as the real one answers the calls the mapping tool makes:
 * `GET /v1/products` and `GET /v1/prices` (newest first; `limit` 1–100, default 10;
 * `starting_after` / `ending_before`; `has_more`; `active`, `product`, `currency`, `type` filters;
 * `expand[]=data.product`), `GET /v1/products/:id`, `GET /v1/prices/:id`, Stripe's error envelope.
 */
export async function startStripeCatalogServer(catalog: { products: StripeObject[]; prices: StripeObject[] }): Promise<StripeCatalogServer> {
  const products = new Map(catalog.products.map((product) => [product.id, product]));
  const requests: StripeCatalogServer['requests'] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    try {
      if (req.headers.authorization !== `Bearer ${STRIPE_CATALOG_KEY}`) return send(res, 401, stripeError('Invalid API Key provided: sk_test_****'));
      const answer = route(req, url);
      send(res, answer.status, answer.body);
    } catch (error) {
      send(res, 500, stripeError((error as Error).message, 'api_error'));
    }
  });

  function route(req: IncomingMessage, url: URL): { status: number; body: unknown } {
    if (req.method !== 'GET') return { status: 404, body: stripeError(`Unrecognized request URL (${req.method}: ${url.pathname}).`) };
    const expand = [...url.searchParams.entries()].filter(([key]) => /^expand\[\d*\]$/.test(key)).map(([, value]) => value);
    const withProduct = (price: StripeObject, path: string) =>
      expand.includes(path) && typeof price.product === 'string' ? { ...price, product: products.get(price.product) ?? price.product } : price;
    const [, , resource = '', id] = url.pathname.split('/');
    const source = resource === 'products' ? catalog.products : resource === 'prices' ? catalog.prices : undefined;
    if (!source || url.pathname.split('/').length > 4) return { status: 404, body: stripeError(`Unrecognized request URL (GET: ${url.pathname}).`) };
    if (id) {
      const found = source.find((item) => item.id === id);
      if (!found)
        return { status: 404, body: stripeError(`No such ${resource.slice(0, -1)}: '${id}'`, 'invalid_request_error', 'resource_missing', 'id') };
      return { status: 200, body: resource === 'prices' ? withProduct(found, 'product') : found };
    }
    const filtered = [...source].reverse().filter((item) => matches(item, url.searchParams));
    const page = paginate(filtered, url.searchParams);
    if ('error' in page) return { status: 400, body: page.error };
    const data = resource === 'prices' ? page.data.map((price) => withProduct(price, 'data.product')) : page.data;
    return { status: 200, body: { object: 'list', data, has_more: page.hasMore, url: `/v1/${resource}` } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    host: { host: '127.0.0.1', port, protocol: 'http' },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function matches(item: StripeObject, query: URLSearchParams): boolean {
  const active = query.get('active');
  if (active !== null && String(item.active) !== active) return false;
  for (const field of ['product', 'currency', 'type'] as const) {
    const wanted = query.get(field);
    if (wanted !== null && item[field] !== wanted) return false;
  }
  return true;
}

function paginate(items: StripeObject[], query: URLSearchParams) {
  const limit = Number(query.get('limit') ?? '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return { error: stripeError('This value must be less than or equal to 100.', 'invalid_request_error', undefined, 'limit') };
  }
  const after = query.get('starting_after');
  const before = query.get('ending_before');
  const cursor = after ?? before;
  const at = cursor === null ? -1 : items.findIndex((item) => item.id === cursor);
  if (cursor !== null && at === -1) {
    return {
      error: stripeError(`No such object: '${cursor}'`, 'invalid_request_error', 'resource_missing', after ? 'starting_after' : 'ending_before'),
    };
  }
  if (before !== null) {
    const start = Math.max(0, at - limit);
    return { data: items.slice(start, at), hasMore: start > 0 };
  }
  const from = at + 1;
  return { data: items.slice(from, from + limit), hasMore: from + limit < items.length };
}

function stripeError(message: string, type = 'invalid_request_error', code?: string, param?: string) {
  return { error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_catalog_${Date.now()}` });
  res.end(JSON.stringify(body));
}
