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
});
