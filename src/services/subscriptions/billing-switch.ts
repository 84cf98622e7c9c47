import { GatewayError } from '../../errors';
import { LOOPS_CONTRACT } from '../../loops/contract-choices';

/** The §8 switches the subscription and invoice endpoints read (tests pass them switched off). */
export interface BillingContract {
  subscriptions: boolean;
}

export const DEFAULT_BILLING_CONTRACT: BillingContract = { subscriptions: LOOPS_CONTRACT.subscriptions };

/**
 * Subscriptions and invoices exist only through docs/loops-contract.md §8, which no Loops page documents.
 * With `LOOPS_CONTRACT.subscriptions` off the gateway does not guess: every call that needs it is
 * a clear 400, and Loops' subscription endpoints are never called.
 */
export function requireSubscriptions(contract: BillingContract, what: string): void {
  if (contract.subscriptions) return;
  throw new GatewayError(
    'loops_contract_off',
    `The gateway cannot serve ${what}: subscriptions are switched off in its Loops contract (LOOPS_SUBSCRIPTIONS, default LOOPS_CONTRACT.subscriptions in src/loops/contract-choices.ts), ` +
      'because Loops does not document them (docs/loops-contract.md §8).',
  );
}
