import type { LoopsContractSwitches } from '../config';
import { GatewayError } from '../errors';
import type { LoopsSubscriptionData } from '../loops/loops-schemas';
import type { SubscriptionDataParams } from '../stripe/params/subscription-data-params';
import { checkLoopsMetadata } from './check-loops-metadata';
import { requireContract } from './require-contract';

/** Stripe's least notice for a fixed trial end (docs/stripe-billing-contract.md §11); Loops asks 2 days too (§8.3). */
export const MIN_TRIAL_END_AHEAD_SECONDS = 48 * 3600;
/** Loops' longest trial (§8.3), also Stripe's (two years). */
export const MAX_TRIAL_DAYS = 730;

/**
 * Stripe's `subscription_data` as Loops' (docs/loops-contract.md §8.3): a trial, in days or as a fixed end,
 * and the subscription's starting metadata. Checked here, before anything is made in Loops: one
 * trial form only, a fixed end at least 48 hours and at most 730 days ahead, metadata within
 * Loops' 5 KB, and the trial switch (LOOPS_TRIALS). `description` stays with the gateway
 * (session-record.ts `subscriptionDescription`): Loops' create takes none.
 */
export function loopsSubscriptionData(
  data: SubscriptionDataParams | undefined,
  nowSeconds: number,
  switches: LoopsContractSwitches,
): LoopsSubscriptionData | undefined {
  if (!data) return undefined;
  const { trial_period_days: days, trial_end: end, metadata } = data;
  if (days !== undefined && end !== undefined) {
    throw new GatewayError(
      'parameters_exclusive',
      'You may only specify one of these parameters: subscription_data[trial_end], subscription_data[trial_period_days].',
      'subscription_data[trial_end]',
    );
  }
  if (days !== undefined) requireContract(switches, 'trials', 'A trial', 'subscription_data[trial_period_days]');
  if (end !== undefined) {
    requireContract(switches, 'trials', 'A trial', 'subscription_data[trial_end]');
    if (end < nowSeconds + MIN_TRIAL_END_AHEAD_SECONDS || end > nowSeconds + MAX_TRIAL_DAYS * 86_400) {
      throw new GatewayError(
        'parameter_invalid',
        `\`subscription_data[trial_end]\` must be at least 48 hours and at most ${MAX_TRIAL_DAYS} days in the future.`,
        'subscription_data[trial_end]',
      );
    }
  }
  const kept = metadata && Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== ''));
  checkLoopsMetadata(kept, 'subscription_data[metadata]');
  const loops: LoopsSubscriptionData = {
    ...(days !== undefined ? { trial_period_days: days } : {}),
    ...(end !== undefined ? { trial_end: end } : {}),
    ...(kept && Object.keys(kept).length > 0 ? { metadata: kept } : {}),
  };
  return Object.keys(loops).length > 0 ? loops : undefined;
}
