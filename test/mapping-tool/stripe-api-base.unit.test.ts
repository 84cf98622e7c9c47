import { parseStripeApiBase } from '../../src/mapping-tool/catalog/stripe-api-base';

describe('--stripe-api-base / STRIPE_API_BASE', () => {
  it('becomes the host, port and protocol stripe-node takes', () => {
    expect(parseStripeApiBase('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(parseStripeApiBase('https://api.stripe.com')).toEqual({ host: 'api.stripe.com', port: 443, protocol: 'https' });
    expect(parseStripeApiBase('http://[::1]:8080/')).toEqual({ host: '::1', port: 8080, protocol: 'http' });
  });

  it('refuses what stripe-node could not honour', () => {
    expect(() => parseStripeApiBase('127.0.0.1:12111')).toThrow(/http or https|not a URL/);
    expect(() => parseStripeApiBase('ftp://host')).toThrow(/http or https/);
    expect(() => parseStripeApiBase('http://host/v1')).toThrow(/must not have a path/);
    expect(() => parseStripeApiBase('nonsense')).toThrow(/not a URL/);
  });

  it('refuses plain http to anything but this machine unless allowed: STRIPE_SECRET_KEY goes there', () => {
    for (const base of [
      'http://api.stripe.com',
      'http://10.0.0.5:12111',
      'http://0.0.0.0:12111',
      'http://[::ffff:10.0.0.5]:1',
      'http://localhost.example.com',
    ]) {
      expect(() => parseStripeApiBase(base)).toThrow(/plain http to another machine/);
      expect(parseStripeApiBase(base, { allowInsecure: true }).protocol).toBe('http');
    }
    for (const base of [
      'http://127.0.0.1:12111',
      'http://127.8.9.10',
      'http://2130706433:80',
      'http://[::1]:8080',
      'http://[0:0::1]',
      'http://localhost:12111',
      'http://LOCALHOST',
    ]) {
      expect(parseStripeApiBase(base).protocol).toBe('http');
    }
    expect(parseStripeApiBase('https://stripe.internal.example.com:8443')).toEqual({
      host: 'stripe.internal.example.com',
      port: 8443,
      protocol: 'https',
    });
  });
});
