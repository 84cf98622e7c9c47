import type { EmulatorContext } from './context';
import { sweepExpired } from './session-lifecycle';

/**
 * Periodic sweep (loops-api.md §6): open sessions past `expires_at` become expired and send
 * `checkout.session.expired`, even when nobody reads them. Returns the stop function.
 */
export function startExpirySweeper(context: EmulatorContext): () => void {
  const timer = setInterval(() => {
    try {
      sweepExpired(context);
    } catch (error) {
      context.logger.error({ err: error }, 'expiry sweep failed');
    }
  }, context.config.expirySweepIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
