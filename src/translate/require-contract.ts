import type { LoopsContractSwitches } from '../config';
import { GatewayError } from '../errors';

/** What each §8 group is, in the words a merchant reads in the 400 (docs/loops-contract.md §8). */
const GROUPS: Record<keyof LoopsContractSwitches, { what: string; env: string }> = {
  subscriptions: { what: 'Loops subscriptions (docs/loops-contract.md §8.1, §8.2)', env: 'LOOPS_SUBSCRIPTIONS' },
  customerPortal: { what: "Loops' customer portal (docs/loops-contract.md §8.2)", env: 'LOOPS_CUSTOMER_PORTAL' },
  trials: { what: 'trials on Loops checkouts (docs/loops-contract.md §8.3)', env: 'LOOPS_TRIALS' },
};

/**
 * Loops documents next to nothing of §8: each group is a switch (contract-choices.ts, and the
 * environment variable named here), and with one off the gateway refuses, with a clear 400, the
 * Stripe calls that need it instead of guessing what Loops would do.
 */
export function requireContract(switches: LoopsContractSwitches, group: keyof LoopsContractSwitches, call: string, param?: string): void {
  if (switches[group]) return;
  const { what, env } = GROUPS[group];
  throw new GatewayError(
    'loops_contract_off',
    `${call} needs ${what}, which this gateway has switched off (${env}=false): the Loops account it serves is not known to provide it.`,
    param,
  );
}
