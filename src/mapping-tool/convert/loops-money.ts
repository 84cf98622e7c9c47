import { fromLoopsV3Amount, toLoopsV3Amount } from '../../loops/v3-amounts';
import { currencyExponent, isIsoCurrency } from '../../stripe/money';

/**
 * Money between Stripe prices (integer minor units as Stripe counts them: cents, whole yen,
 * thousandths of a dinar — src/stripe/money.ts) and Loops V3 products (docs/loops-contract.md §3.3:
 * `priceAmount` in minor units; §7.4 lists that, and ISK, as known unknowns, so the unit follows
 * src/loops/v3-amounts.ts and nothing else).
 */
export function toLoopsPriceAmount(minor: number, currency: string): number {
  return toLoopsV3Amount(minor, currency);
}

/** Loops answers `priceAmount` as a string (§3.3); undefined when absent or not a number. */
export function fromLoopsPriceAmount(value: string | number | null | undefined, currency: string): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) return undefined;
  return fromLoopsV3Amount(number, currency);
}

/** For people: 2000 usd → "20.00 USD", 3500 jpy → "3500 JPY", 5120 kwd → "5.120 KWD". */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return `${(minor / 10 ** exponent).toFixed(exponent)} ${currency.toUpperCase()}`;
}

/**
 * [chosen] Loops documents no currency list, so the tool accepts any ISO 4217 code the runtime
 * knows and skips the rest (a typo'd or retired code in an old export) instead of sending it.
 */
export function isSupportedCurrency(currency: string): boolean {
  return isIsoCurrency(currency);
}
