import { badRequest } from './errors';

/**
 * Money conversion between Loops' two vocabularies: V1/V2 objects speak major units (`29.99`,
 * docs/loops-contract.md §3.1), V3 objects and product `priceAmount` speak integer minor units (§3.2, §3.3).
 * The exponent follows ISO 4217: most currencies have 2 decimals, a few have none or three.
 */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/**
 * The largest amount, in minor units, a product price or a session total may have [chosen]: 12
 * digits, so every total stays an exact JavaScript integer (far below 2^53).
 */
export const MAX_AMOUNT_MINOR = 999_999_999_999;

export function currencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** 2999 USD → 29.99; 500 JPY → 500; 3000 KWD → 3. Rounded so float noise never leaks out. */
export function toMajor(minor: number, currency: string): number {
  const exponent = currencyExponent(currency);
  return Number((minor / 10 ** exponent).toFixed(exponent));
}

/**
 * 29.99 USD → 2999. Returns undefined when the amount has more decimals than the currency allows
 * (29.999 USD, 0.5 JPY): such an amount cannot be charged, so callers reject it with a 400.
 */
export function toMinor(major: number, currency: string): number | undefined {
  const scaled = major * 10 ** currencyExponent(currency);
  const rounded = Math.round(scaled);
  return Math.abs(scaled - rounded) < 1e-6 ? rounded : undefined;
}

/** Display form for the hosted page: 2999 USD → "29.99", 500 JPY → "500", 3000 KWD → "3.000". */
export function formatMajor(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return (minor / 10 ** exponent).toFixed(exponent);
}

/**
 * A major-unit amount a client sent, in minor units; a 400 `invalid_amount` when it has more
 * decimals than the currency allows or is above MAX_AMOUNT_MINOR. `label` starts the message.
 */
export function checkedMinor(label: string, major: number, currency: string): number {
  const minor = toMinor(major, currency);
  if (minor === undefined) throw badRequest(`${label} ${major} has more decimals than ${currency} allows`, 'invalid_amount');
  if (minor > MAX_AMOUNT_MINOR) throw badRequest(`${label} ${major} is above the largest amount allowed`, 'invalid_amount');
  return minor;
}

