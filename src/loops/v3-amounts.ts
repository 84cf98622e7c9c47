import { majorToMinor, minorToMajor } from '../stripe/money';
import { LOOPS_CONTRACT } from './contract-choices';

/** The two §7.4 choices the conversion depends on (tests pass the other values). */
export interface V3AmountContract {
  v3AmountsInMinorUnits: boolean;
  v3IskMinorUnits: 'stripe' | 'iso';
}

/**
 * The one conversion between Stripe amounts (integer minor units as Stripe counts them,
 * src/stripe/money.ts) and Loops V3 amounts (product `priceAmount`, session totals). Both unknowns
 * of docs/loops-contract.md §7.4 live in LOOPS_CONTRACT: whether V3 counts minor units at all, and whether
 * its minor units of ISK are Stripe's hundredths or ISO's whole krónur.
 */
export function toLoopsV3Amount(stripeMinor: number, currency: string, contract: V3AmountContract = LOOPS_CONTRACT): number {
  if (!contract.v3AmountsInMinorUnits) return minorToMajor(stripeMinor, currency);
  return isoIsk(currency, contract) ? stripeMinor / ISK_STRIPE_FACTOR : stripeMinor;
}

export function fromLoopsV3Amount(loopsAmount: number, currency: string, contract: V3AmountContract = LOOPS_CONTRACT): number {
  if (!contract.v3AmountsInMinorUnits) return majorToMinor(loopsAmount, currency);
  return isoIsk(currency, contract) ? Math.round(loopsAmount * ISK_STRIPE_FACTOR) : loopsAmount;
}

/** Stripe's ISK amounts are hundredths of the króna ISO 4217 counts in. */
const ISK_STRIPE_FACTOR = 100;

const isoIsk = (currency: string, contract: V3AmountContract) => contract.v3IskMinorUnits === 'iso' && currency.toLowerCase() === 'isk';
