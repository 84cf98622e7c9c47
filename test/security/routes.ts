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
  customer: string;
  /** A billing portal configuration the tenant created (not its default). */
  configuration: string;
  subscription: string;
  invoice: string;
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
  /** For searches: the kind of object the path's query finds for its owner (and must not show anyone else). */
  finds?: keyof RouteIds;
  /** A create that names nothing of another tenant: another tenant's key makes an object of its own. */
  ownCreate?: boolean;
  /** For an `ownCreate`: where the created object is retrieved (default: the customer). */
  createdPath?(id: string): string;
  /** For a create that names an object of its owner: which (default: the price). */
  names?: keyof RouteIds;
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
    finds: 'price',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/prices',
    path: () => '/v1/prices',
    names: 'product',
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
    finds: 'product',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/products',
    path: () => '/v1/products',
    ownCreate: true,
    createdPath: (id) => `/v1/products/${id}`,
    mutates: true,
    validBody: () => 'name=Security%20probe',
  },
  {
    method: 'POST',
    pattern: '/v1/products/:id',
    path: (ids) => `/v1/products/${ids.product}`,
    owns: 'product',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  {
    method: 'POST',
    pattern: '/v1/customers',
    path: () => '/v1/customers',
    ownCreate: true,
    mutates: true,
    validBody: () => 'email=security.suite%40example.com',
  },
  { method: 'GET', pattern: '/v1/customers', path: () => '/v1/customers', cursor: 'customer', mutates: false, validBody: () => '' },
  {
    method: 'GET',
    pattern: '/v1/customers/search',
    // Every customer of the tenant.
    path: () => `/v1/customers/search?query=${encodeURIComponent('created>0')}&limit=100`,
    finds: 'customer',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    path: (ids) => `/v1/customers/${ids.customer}`,
    owns: 'customer',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id',
    path: (ids) => `/v1/customers/${ids.customer}`,
    owns: 'customer',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  {
    method: 'POST',
    pattern: '/v1/billing_portal/sessions',
    path: () => '/v1/billing_portal/sessions',
    names: 'customer',
    mutates: true,
    validBody: (ids) => `customer=${ids.customer}&return_url=${encodeURIComponent('https://merchant.example/account')}`,
  },
  {
    method: 'POST',
    pattern: '/v1/billing_portal/configurations',
    path: () => '/v1/billing_portal/configurations',
    ownCreate: true,
    createdPath: (id) => `/v1/billing_portal/configurations/${id}`,
    mutates: true,
    validBody: () => 'features[subscription_cancel][enabled]=true',
  },
  {
    method: 'GET',
    pattern: '/v1/billing_portal/configurations',
    path: () => '/v1/billing_portal/configurations',
    cursor: 'configuration',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'GET',
    pattern: '/v1/billing_portal/configurations/:id',
    path: (ids) => `/v1/billing_portal/configurations/${ids.configuration}`,
    owns: 'configuration',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/billing_portal/configurations/:id',
    path: (ids) => `/v1/billing_portal/configurations/${ids.configuration}`,
    owns: 'configuration',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  { method: 'GET', pattern: '/v1/subscriptions', path: () => '/v1/subscriptions', cursor: 'subscription', mutates: false, validBody: () => '' },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/search',
    path: () => `/v1/subscriptions/search?query=${encodeURIComponent("status:'active'")}`,
    finds: 'subscription',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/:id',
    path: (ids) => `/v1/subscriptions/${ids.subscription}`,
    owns: 'subscription',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id',
    path: (ids) => `/v1/subscriptions/${ids.subscription}`,
    owns: 'subscription',
    mutates: true,
    validBody: () => 'metadata[changed_by]=someone_else',
  },
  { method: 'GET', pattern: '/v1/invoices', path: () => '/v1/invoices', cursor: 'invoice', mutates: false, validBody: () => '' },
  { method: 'GET', pattern: '/v1/invoices/:id', path: (ids) => `/v1/invoices/${ids.invoice}`, owns: 'invoice', mutates: false, validBody: () => '' },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id/lines',
    path: (ids) => `/v1/invoices/${ids.invoice}/lines`,
    owns: 'invoice',
    mutates: false,
    validBody: () => '',
  },
  {
    method: 'DELETE',
    pattern: '/v1/products/:id',
    path: (ids) => `/v1/products/${ids.emptyProduct}`,
    owns: 'emptyProduct',
    mutates: true,
    validBody: () => '',
  },
  // Its owner's control cancels the subscription (the routes above still answer for it).
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    path: (ids) => `/v1/subscriptions/${ids.subscription}`,
    owns: 'subscription',
    mutates: true,
    validBody: () => '',
  },
  // Last: its owner's control request deletes the customer the routes above address.
  {
    method: 'DELETE',
    pattern: '/v1/customers/:id',
    path: (ids) => `/v1/customers/${ids.customer}`,
    owns: 'customer',
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
