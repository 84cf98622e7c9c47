import { carriesMarker, operationMarker, OPERATION_MARKER_KEY, withOperationMarker } from '../../src/translate/operation-marker';

describe('operation marker in Loops metadata (second guard against duplicate creates)', () => {
  const marker = operationMarker('op-1');

  it('is stable per operation and differs between operations', () => {
    expect(operationMarker('op-1')).toBe(marker);
    expect(operationMarker('op-2')).not.toBe(marker);
    expect(marker).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is added beside the merchant’s metadata when it fits Loops’ limits', () => {
    expect(withOperationMarker(undefined, marker)).toEqual({ [OPERATION_MARKER_KEY]: marker });
    expect(withOperationMarker({ order: '7' }, marker)).toEqual({ order: '7', [OPERATION_MARKER_KEY]: marker });
    expect(carriesMarker(withOperationMarker({ order: '7' }, marker), marker)).toBe(true);
    expect(carriesMarker({ order: '7' }, marker)).toBe(false);
  });

  it('is left out when there is no room (50 keys, or over 5 KB with it) or the merchant uses the key', () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(withOperationMarker(fifty, marker)).toBe(fifty);
    const nearlyFull = { big: 'x'.repeat(5 * 1024 - 20) };
    expect(withOperationMarker(nearlyFull, marker)).toBe(nearlyFull);
    const own = { [OPERATION_MARKER_KEY]: 'merchant value' };
    expect(withOperationMarker(own, marker)).toBe(own);
  });
});
