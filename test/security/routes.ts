import type Koa from 'koa';

/**
 * Every route the gateway serves, in one table shared by the security suite and the hostile-input
 * properties. `routesRegisteredBy` reads the routes back from the app itself, and a test fails when
 * the two differ, so a new route cannot escape these suites.
 */

/** Objects one tenant owns; the routes address them by id. */
export interface RouteIds {
  session: string;
  event: string;
  price: string;
  product: string;
  /** A product of the owner without prices: the one `DELETE /v1/products/:id` may delete. */
  emptyProduct: string;
}

export interface StripeRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** The router's pattern, as `routesRegisteredBy` reports it. */
  pattern: string;
  path(ids: RouteIds): string;
  /** The id in the path, if any. */
  owns?: keyof RouteIds;
  /** For lists: the kind of id `starting_after` takes. */
  cursor?: keyof RouteIds;
  /** For searches: the owner's object the query finds, which another tenant's search must not. */
  searches?: keyof RouteIds;
  /** For creates: the owner's object the valid body names (default `price`), unknown to another tenant. */
  references?: keyof RouteIds;
  /** A create that names nothing of the owner's: another tenant's key creates in its own catalog only. */
  createsOwn?: boolean;
  /** Changes stored state when it succeeds. */
  mutates: boolean;
  /** A form body the owner's key gets a 2xx for (the session being open; `ids.price` mapped). */
  validBody(ids: RouteIds): string;
}

export const STRIPE_ROUTES: StripeRoute[] = [
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions',
    path: () => '/v1/checkout/sessions',
    mutates: true,
    validBody: (ids) => `mode=payment&line_items[0][price]=${ids.price}&line_items[0][quantity]=1`,
  },
  { method: 'GET', pattern: '/v1/checkout/sessions', path: () => '/v1/checkout/sessions', cursor: 'session', mutates: false, validBody: () => '' },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id',
    path: (ids) => `/v1/checkout/sessions/${ids.session}`,
    owns: 'session',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions/:id',
    path: (ids) => `/v1/checkout/sessions/${ids.session}`,
    owns: 'session',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions/:id/expire',
    path: (ids) => `/v1/checkout/sessions/${ids.session}/expire`,
    owns: 'session',
    mutates: true,
    validBody: () => '',
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id/line_items',
    path: (ids) => `/v1/checkout/sessions/${ids.session}/line_items`,
    owns: 'session',
    mutates: false,
    validBody: () => '',
  },
  { method: 'GET', pattern: '/v1/events', path: () => '/v1/events', cursor: 'event', mutates: false, validBody: () => '' },
  { method: 'GET', pattern: '/v1/events/:id', path: (ids) => `/v1/events/${ids.event}`, owns: 'event', mutates: false, validBody: () => '' },
  { method: 'GET', pattern: '/v1/prices', path: () => '/v1/prices', cursor: 'price', mutates: false, validBody: () => '' },
  { method: 'GET', pattern: '/v1/prices/:id', path: (ids) => `/v1/prices/${ids.price}`, owns: 'price', mutates: false, validBody: () => '' },
  { method: 'GET', pattern: '/v1/products/:id', path: (ids) => `/v1/products/${ids.product}`, owns: 'product', mutates: false, validBody: () => '' },
  {
    method: 'GET',
    pattern: '/v1/prices/search',
    path: (ids) => `/v1/prices/search?query=${encodeURIComponent(`product:'${ids.product}'`)}`,
    searches: 'price',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/prices',
    path: () => '/v1/prices',
    references: 'product',
    mutates: true,
    validBody: (ids) => `product=${ids.product}&unit_amount=700&currency=usd`,
  },
  {
    method: 'POST',
    pattern: '/v1/prices/:id',
    path: (ids) => `/v1/prices/${ids.price}`,
    owns: 'price',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  { method: 'GET', pattern: '/v1/products', path: () => '/v1/products', cursor: 'product', mutates: false, validBody: () => '' },
  {
    method: 'GET',
    pattern: '/v1/products/search',
    path: (ids) => `/v1/products/search?query=${encodeURIComponent(`-name:'${ids.product}'`)}`,
    searches: 'product',
    mutates: false,
    validBody: () => '',
  },
  { method: 'POST', pattern: '/v1/products', path: () => '/v1/products', createsOwn: true, mutates: true, validBody: () => 'name=Security%20probe' },
  {
    method: 'POST',
    pattern: '/v1/products/:id',
    path: (ids) => `/v1/products/${ids.product}`,
    owns: 'product',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  {
    method: 'DELETE',
    pattern: '/v1/products/:id',
    path: (ids) => `/v1/products/${ids.emptyProduct}`,
    owns: 'emptyProduct',
    mutates: true,
    validBody: () => '',
  },
];

export interface PublicRoute {
  method: 'GET' | 'POST';
  pattern: string;
  path: string;
  /** What a successful answer is (everything else, errors included, is Stripe-shaped JSON). */
  body: 'json' | 'prometheus';
}

export const PUBLIC_ROUTES: PublicRoute[] = [
  { method: 'GET', pattern: '/healthz', path: '/healthz', body: 'json' },
  { method: 'GET', pattern: '/readyz', path: '/readyz', body: 'json' },
  { method: 'GET', pattern: '/metrics', path: '/metrics', body: 'prometheus' },
  { method: 'POST', pattern: '/webhooks/loops', path: '/webhooks/loops', body: 'json' },
  { method: 'POST', pattern: '/webhooks/loops/:tenant', path: '/webhooks/loops/default', body: 'json' },
];

export const routeName = (route: { method: string; pattern: string }) => `${route.method} ${route.pattern}`;

/** `METHOD pattern` of every route the app's routers registered (HEAD, which Koa adds to GET, left out). */
export function routesRegisteredBy(app: Koa<any>): string[] {
  const found = new Set<string>();
  for (const middleware of app.middleware as unknown as { router?: { stack: { methods: string[]; path: string | RegExp }[] } }[]) {
    for (const layer of middleware.router?.stack ?? []) {
      for (const method of layer.methods) if (method !== 'HEAD') found.add(`${method} ${String(layer.path)}`);
    }
  }
  return [...found].sort();
}
