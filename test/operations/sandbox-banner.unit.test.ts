import type { Config } from '../../src/config';
import type { MappingFile } from '../../src/mappings/mapping-file';
import { sandboxBanner } from '../../src/sandbox/sandbox';

const config = { host: '0.0.0.0', tenants: [{ apiKeys: ['sk_test_sandbox_banner_0001'] }] } as unknown as Config;
const entry = (recurring: boolean) => ({
  loopsProductId: 'prod_l',
  stripeProductId: 'prod_s',
  productName: 'Plan',
  currency: 'usd',
  unitAmount: 900,
  recurring: recurring ? { interval: 'month' as const, intervalCount: 1 } : null,
});

describe('sandbox banner', () => {
  it('shows a subscription with a trial on the catalog’s recurring price, and the portal call', () => {
    const catalog = { version: 1, prices: { price_one_off: entry(false), price_monthly: entry(true) }, products: {} } as unknown as MappingFile;
    const banner = sandboxBanner(config, 4242, 'http://localhost:4243', catalog);
    expect(banner).toContain('-d mode=subscription -d "line_items[0][price]=price_monthly"');
    expect(banner).toContain('-d "subscription_data[trial_period_days]=14"');
    expect(banner).toContain('http://localhost:4242/v1/billing_portal/sessions -u sk_test_sandbox_banner_0001:');
    expect(banner).toContain('-d mode=payment -d "line_items[0][price]=price_one_off"');
  });

  it('says nothing of subscriptions when the catalog has no recurring price', () => {
    const catalog = { version: 1, prices: { price_one_off: entry(false) }, products: {} } as unknown as MappingFile;
    expect(sandboxBanner(config, 4242, 'http://localhost:4243', catalog)).not.toContain('subscription');
  });
});
