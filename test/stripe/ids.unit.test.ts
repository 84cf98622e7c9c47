import { isWellFormedId, noSuchObject, randomId } from '../../src/stripe/ids';

describe('ids in URLs: the shape of each object’s id, checked before any lookup', () => {
  it('takes the ids the gateway and Loops hand out', () => {
    expect(isWellFormedId('event', randomId('evt'))).toBe(true);
    expect(isWellFormedId('checkout.session', 'cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ')).toBe(true);
    expect(isWellFormedId('checkout.session', 'cs_0123456789ABCDEFGHIJKLMN')).toBe(true);
    // Prices and products are the merchant's Stripe ids, custom ones included (legacy plan ids).
    for (const id of ['price_1NxYz', 'gold-monthly', 'Gold Plan 2019', 'prod_Nx:1']) {
      expect(isWellFormedId('price', id)).toBe(true);
      expect(isWellFormedId('product', id)).toBe(true);
    }
  });

  it.each([
    ['event', `${randomId('evt')}:delivered`],
    ['event', 'evt_'],
    ['event', 'cs_test_abc'],
    ['event', `evt_${'a'.repeat(300)}`],
    ['event', 'evt_a b'],
    ['event', 'evt_a/../b'],
    ['checkout.session', 'cs_test_abc:x'],
    ['checkout.session', 'cs_{other}'],
    ['checkout.session', 'cs_test\r\n'],
    ['checkout.session', 'evt_abc'],
    ['checkout.session', '__proto__'],
    ['checkout.session', ''],
    ['price', ''],
    ['price', 'x'.repeat(256)],
    ['price', 'price_\u0000'],
    ['product', 'prod_\n'],
  ] as const)('%s %j is not an id of that object', (object, id) => {
    expect(isWellFormedId(object, id)).toBe(false);
  });

  it('answers as Stripe does for an id that names nothing', () => {
    expect(noSuchObject('event', 'evt_x:delivered')).toMatchObject({
      status: 404,
      errorName: 'resource_missing',
      param: 'id',
      message: "No such event: 'evt_x:delivered'",
    });
  });
});
