import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random ids with Loops' prefixes (docs/loops-contract.md §1: `cs_`, `pl_`, `prod_`, `price_`; §8: `sub_`, `bps_`) and Stripe's
 * for the objects Loops borrows from it (`evt_`, `ch_`, `pi_`).
 */
export function newId(prefix: string, length = 24): string {
  let suffix = '';
  for (const byte of randomBytes(length)) suffix += ALPHABET.charAt(byte % ALPHABET.length);
  return `${prefix}_${suffix}`;
}
