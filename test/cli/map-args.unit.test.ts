import { parseCliEnv, UsageError } from '../../src/cli/cli-env';
import { parseMapArgs } from '../../src/cli/map-args';
import { parseMappingsArgs } from '../../src/cli/mappings-args';

describe('map arguments', () => {
  it('has defaults and reads every flag', () => {
    expect(parseMapArgs([])).toMatchObject({
      tenant: 'default',
      dryRun: false,
      noLoad: false,
      includeInactive: false,
      concurrency: 8,
      batchSize: 100,
      allowInsecureStripeApiBase: false,
    });
    expect(
      parseMapArgs([
        '--tenant',
        'acme',
        '--dry-run',
        '--no-load',
        '--include-inactive',
        '--concurrency',
        '3',
        '--batch-size',
        '7',
        '--stripe-api-base',
        'http://127.0.0.1:12111',
        '--allow-insecure-stripe-api-base',
      ]),
    ).toMatchObject({
      tenant: 'acme',
      dryRun: true,
      noLoad: true,
      includeInactive: true,
      concurrency: 3,
      batchSize: 7,
      stripeApiBase: 'http://127.0.0.1:12111',
      allowInsecureStripeApiBase: true,
    });
  });

  it('refuses bad usage with a message naming the flag', () => {
    expect(() => parseMapArgs(['--concurrency', '0'])).toThrow(/--concurrency/);
    expect(() => parseMapArgs(['--batch-size', 'lots'])).toThrow(/--batch-size/);
    expect(() => parseMapArgs(['--bogus'])).toThrow(UsageError);
    expect(() => parseMapArgs(['--from-file', 'x.json', '--stripe-api-base', 'http://h:1'])).toThrow(/cannot be combined/);
  });

  it('reads STRIPE_SECRET_KEY / STRIPE_API_BASE, blank meaning unset', () => {
    expect(parseCliEnv({ STRIPE_SECRET_KEY: 'sk_test_catalog_fake_0001', STRIPE_API_BASE: '' })).toEqual({
      STRIPE_SECRET_KEY: 'sk_test_catalog_fake_0001',
    });
    expect(() => parseCliEnv({ STRIPE_SECRET_KEY: 'pk_test_publishable' })).toThrow(/STRIPE_SECRET_KEY/);
  });
});

describe('mappings arguments', () => {
  it('parses the three commands', () => {
    expect(parseMappingsArgs(['load', '--all'])).toMatchObject({ command: 'load', all: true });
    expect(parseMappingsArgs(['verify', '--tenant', 'acme'])).toMatchObject({ command: 'verify', tenant: 'acme' });
    expect(parseMappingsArgs(['show', 'price_1'])).toMatchObject({ command: 'show', id: 'price_1' });
  });

  it('refuses what does not make sense', () => {
    expect(() => parseMappingsArgs(['show'])).toThrow(/needs a Stripe price or product id/);
    expect(() => parseMappingsArgs(['drop'])).toThrow(/Unknown command "drop"/);
    expect(() => parseMappingsArgs(['verify', '--all'])).toThrow(/--all applies to load and export only/);
    expect(() => parseMappingsArgs(['load', 'extra'])).toThrow(/Unexpected argument "extra"/);
  });
});
