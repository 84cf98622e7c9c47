/**
 * Minor units per currency, as Stripe counts them (https://docs.stripe.com/currencies): most have
 * two decimals, these have none or three. Loops V1/V2 amounts are major units (docs/loops-contract.md §3.1),
 * V3 amounts minor units (§3.2), so every conversion goes through here.
 */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function currencyExponent(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

export function minorToMajor(amount: number, currency: string): number {
  return amount / 10 ** currencyExponent(currency);
}

/** Rounds to the nearest minor unit: major-unit floats such as 29.99 are not exact in binary. */
export function majorToMinor(amount: number, currency: string): number {
  return Math.round(amount * 10 ** currencyExponent(currency));
}

/**
 * The smallest step Stripe charges in, in its minor units (https://docs.stripe.com/currencies):
 * three-decimal currencies only in tens (the last digit must be 0, for the card networks), and
 * ISK, which Stripe's API counts in hundredths although it has no decimals, only in whole krónur.
 * A price off that step cannot be charged as it stands.
 */
export function stripeChargeStep(currency: string): number {
  const code = currency.toLowerCase();
  if (THREE_DECIMAL.has(code)) return 10;
  if (code === 'isk') return 100;
  return 1;
}

/**
 * The ISO 4217 codes the runtime knows (ICU's list of current currencies), lower case. Stripe
 * refuses any other `currency`; the mapping tool skips prices in any other (loops-money.ts).
 */
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));

export function isIsoCurrency(currency: string): boolean {
  return ISO_CURRENCIES.has(currency.toLowerCase());
}
