import type { EmulatorContext } from './context';
import { runDueWorkNow } from './due-work';

/**
 * Periodic sweep (docs/loops-contract.md §6, §8.1): open sessions past `expires_at` become expired and send
 * `checkout.session.expired`, and subscriptions whose period end or retry has come are renewed,
 * retried or ended, even when nobody reads them and the test clock is not moved. Returns the stop
 * function.
 */
export function startExpirySweeper(context: EmulatorContext): () => void {
  const timer = setInterval(() => {
    try {
      runDueWorkNow(context);
    } catch (error) {
      context.logger.error({ err: error }, 'expiry sweep failed');
    }
  }, context.config.expirySweepIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
