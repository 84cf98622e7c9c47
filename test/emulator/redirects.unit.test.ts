import { redirectUrl } from '../../src/emulator/redirects';

describe('redirectUrl (docs/loops-contract.md §4)', () => {
  it('appends session_id and status with ? when there is no query', () => {
    expect(redirectUrl('https://shop.example/thanks', 'cs_1', 'completed')).toBe('https://shop.example/thanks?session_id=cs_1&status=completed');
  });

  it('joins with & when the URL already has a query', () => {
    expect(redirectUrl('https://shop.example/cart?step=2', 'cs_1', 'canceled')).toBe('https://shop.example/cart?step=2&session_id=cs_1&status=canceled');
    expect(redirectUrl('https://shop.example/cart?', 'cs_1', 'canceled')).toBe('https://shop.example/cart?session_id=cs_1&status=canceled');
  });

  it('replaces {CHECKOUT_SESSION_ID} anywhere, also percent-encoded', () => {
    expect(redirectUrl('https://shop.example/o/{CHECKOUT_SESSION_ID}/done?s={CHECKOUT_SESSION_ID}', 'cs_9', 'completed')).toBe(
      'https://shop.example/o/cs_9/done?s=cs_9&session_id=cs_9&status=completed',
    );
    expect(redirectUrl('https://shop.example/o/%7BCHECKOUT_SESSION_ID%7D', 'cs_9', 'failed')).toBe(
      'https://shop.example/o/cs_9?session_id=cs_9&status=failed',
    );
  });

  it('keeps a #fragment at the end', () => {
    expect(redirectUrl('https://shop.example/app#/thanks', 'cs_1', 'completed')).toBe('https://shop.example/app?session_id=cs_1&status=completed#/thanks');
    expect(redirectUrl('https://shop.example/app?x=1#top', 'cs_1', 'completed')).toBe('https://shop.example/app?x=1&session_id=cs_1&status=completed#top');
  });
});
