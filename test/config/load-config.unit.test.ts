import { ConfigError, loadConfig } from '../../src/config';

const readNothing = () => {
  throw new Error('no file');
};

describe('loadConfig', () => {
  it('describes the zero-config sandbox when nothing is set', () => {
    const config = loadConfig({}, readNothing);
    expect(config.sandbox).toBeDefined();
    expect(config.redis).toEqual({ kind: 'memory' });
    expect(config.tenants).toHaveLength(1);
    const [tenant] = config.tenants;
    expect(tenant?.id).toBe('default');
    expect(tenant?.apiKeys[0]).toMatch(/^sk_test_sandbox_[0-9a-f]{24}$/);
    expect(tenant?.loops.apiBase).toBe(`http://127.0.0.1:${config.sandbox?.emulatorPort}`);
    expect(Object.isFrozen(config.tenants)).toBe(true);
  });

  it('builds tenant default from the single-tenant variables', () => {
    const config = loadConfig(
      {
        GATEWAY_API_KEYS: 'sk_test_aaaaaaaa, sk_test_bbbbbbbb',
        LOOPS_API_KEY: 'loops_key',
        REDIS_URL: 'redis://127.0.0.1:6390',
        STRIPE_WEBHOOK_SECRET: 'whsec_one,whsec_two',
        WEBHOOK_ENDPOINTS: 'http://127.0.0.1:9000/hook',
        PORT: '5000',
      },
      readNothing,
    );
    expect(config.sandbox).toBeUndefined();
    expect(config.port).toBe(5000);
    expect(config.redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6390', keyPrefix: 'gw' });
    expect(config.tenants[0]).toMatchObject({
      id: 'default',
      apiKeys: ['sk_test_aaaaaaaa', 'sk_test_bbbbbbbb'],
      loops: { apiBase: 'https://api.loops.fi', apiKey: 'loops_key' },
      webhookSecrets: ['whsec_one', 'whsec_two'],
      webhookEndpoints: [{ url: 'http://127.0.0.1:9000/hook', enabledEvents: ['*'] }],
    });
  });

  it('reports every problem at once and never echoes a secret', () => {
    const attempt = () =>
      loadConfig(
        {
          PORT: 'not-a-port',
          LOG_LEVEL: 'loud',
          REDIS_URL: 'nope',
        },
        readNothing,
      );
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.some((p) => p.startsWith('PORT'))).toBe(true);
      expect(problems.some((p) => p.startsWith('LOG_LEVEL'))).toBe(true);
      expect(problems.some((p) => p.startsWith('REDIS_URL'))).toBe(true);
    }
  });

  it('rejects keys shared between tenants, endpoints without secrets and missing Loops keys together', () => {
    const file = JSON.stringify({
      tenants: [
        { id: 'acme', apiKeys: ['sk_test_shared_key'], loopsApiKey: 'l1', webhookEndpoints: [{ url: 'http://127.0.0.1:1/h' }] },
        { id: 'globex', apiKeys: ['sk_test_shared_key'] },
      ],
    });
    try {
      loadConfig({ TENANTS_FILE: '/tenants.json', LOOPS_API_BASE: 'http://127.0.0.1:1' }, () => file);
      throw new Error('expected a ConfigError');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('tenant globex: an API key is shared with another tenant');
      expect(message).toContain('tenant acme: webhook endpoints need STRIPE_WEBHOOK_SECRET');
      expect(message).toContain('tenant globex: loopsApiKey is required');
      expect(message).not.toContain('sk_test_shared_key');
    }
  });

  it('reports schema problems and cross-field problems in one message', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig(env, readNothing);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error('expected a ConfigError');
    };
    const problems = problemsOf({
      PORT: 'abc',
      GATEWAY_API_KEYS: 'sk_test_a',
      STRIPE_WEBHOOK_SECRET: 'not_whsec',
      WEBHOOK_ENDPOINTS: 'http://127.0.0.1:9/h',
    });
    expect(problems).toEqual(['PORT: expected a whole number', 'tenant default: webhook secrets must start with whsec_']);
    expect(problemsOf({ PORT: '0x1F90', WEBHOOK_TIMEOUT_MS: '1e3' })).toEqual([
      'PORT: expected a whole number',
      'WEBHOOK_TIMEOUT_MS: expected a whole number',
    ]);
  });

  it('reads the request deadlines, 10 s each by default, and refuses 0 (no deadline at all)', () => {
    expect(loadConfig({}, readNothing).http).toEqual({ headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 });
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '2500', HTTP_BODY_TIMEOUT_MS: '30000' }, readNothing).http).toEqual({
      headersTimeoutMs: 2500,
      bodyTimeoutMs: 30_000,
    });
    expect(() => loadConfig({ HTTP_BODY_TIMEOUT_MS: '0', HTTP_HEADERS_TIMEOUT_MS: 'soon' }, readNothing)).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS: expected a whole number[\s\S]*HTTP_BODY_TIMEOUT_MS/,
    );
  });

  it('reads a variable set to nothing as unset (its default)', () => {
    const config = loadConfig({ PORT: '', HOST: ' ', LOG_LEVEL: '', REDIS_URL: '' }, readNothing);
    expect([config.port, config.host, config.logLevel, config.redis]).toEqual([4242, '127.0.0.1', 'info', { kind: 'memory' }]);
  });

  it('STRICT_PARAMS sets every tenant’s default; a tenant in TENANTS_FILE can say otherwise', () => {
    const tenants = JSON.stringify({
      tenants: [
        { id: 'shop', apiKeys: ['sk_test_shop_0001'], loopsApiKey: 'loops_key' },
        { id: 'saas', apiKeys: ['sk_test_saas_0002'], loopsApiKey: 'loops_key', strictParams: false },
      ],
    });
    const config = loadConfig(
      { STRICT_PARAMS: 'true', GATEWAY_API_KEYS: 'sk_test_default_01', LOOPS_API_KEY: 'loops_key', TENANTS_FILE: 't.json' },
      () => tenants,
    );
    expect(config.tenants.map((t) => [t.id, t.strictParams])).toEqual([
      ['default', true],
      ['shop', true],
      ['saas', false],
    ]);
    expect(loadConfig({}, readNothing).tenants[0]?.strictParams).toBe(false);
    expect(() => loadConfig({ STRICT_PARAMS: 'yes' }, readNothing)).toThrow(/STRICT_PARAMS/);
  });

  it('UPCOMING_INVOICE_DAYS (default 3, 0–45) sets every tenant’s default; a tenant in TENANTS_FILE can say otherwise', () => {
    const tenants = JSON.stringify({
      tenants: [
        { id: 'shop', apiKeys: ['sk_test_shop_0001'], loopsApiKey: 'loops_key' },
        { id: 'saas', apiKeys: ['sk_test_saas_0002'], loopsApiKey: 'loops_key', upcomingInvoiceDays: 30 },
      ],
    });
    const config = loadConfig(
      { UPCOMING_INVOICE_DAYS: '7', GATEWAY_API_KEYS: 'sk_test_default_01', LOOPS_API_KEY: 'loops_key', TENANTS_FILE: 't.json' },
      () => tenants,
    );
    expect(config.tenants.map((t) => [t.id, t.upcomingInvoiceDays])).toEqual([
      ['default', 7],
      ['shop', 7],
      ['saas', 30],
    ]);
    expect(loadConfig({}, readNothing).tenants[0]?.upcomingInvoiceDays).toBe(3);
    expect(loadConfig({ UPCOMING_INVOICE_DAYS: '0' }, readNothing).tenants[0]?.upcomingInvoiceDays).toBe(0);
    expect(() => loadConfig({ UPCOMING_INVOICE_DAYS: '46' }, readNothing)).toThrow(/UPCOMING_INVOICE_DAYS/);
    expect(() => loadConfig({ UPCOMING_INVOICE_DAYS: '-1' }, readNothing)).toThrow(/UPCOMING_INVOICE_DAYS/);
    const tooLong = JSON.stringify({ tenants: [{ id: 'shop', apiKeys: ['sk_test_shop_0001'], loopsApiKey: 'k', upcomingInvoiceDays: 60 }] });
    expect(() => loadConfig({ TENANTS_FILE: 't.json' }, () => tooLong)).toThrow(/upcomingInvoiceDays/);
  });

  it('reads the three §8 switches (LOOPS_SUBSCRIPTIONS, LOOPS_CUSTOMER_PORTAL, LOOPS_TRIALS): on by default, true or false only', () => {
    expect(loadConfig({}, readNothing).loopsContract).toMatchObject({ subscriptions: true, customerPortal: true, trials: true });
    const off = loadConfig({ LOOPS_SUBSCRIPTIONS: 'false', LOOPS_CUSTOMER_PORTAL: 'false', LOOPS_TRIALS: 'false' }, readNothing);
    expect(off.loopsContract).toMatchObject({ subscriptions: false, customerPortal: false, trials: false });
    expect(() => loadConfig({ LOOPS_TRIALS: 'off', LOOPS_SUBSCRIPTIONS: '0' }, readNothing)).toThrow(
      /LOOPS_TRIALS[\s\S]*LOOPS_SUBSCRIPTIONS|LOOPS_SUBSCRIPTIONS[\s\S]*LOOPS_TRIALS/,
    );
  });
});
