import type { EmulatorContext } from './context';

/**
 * `POST /_emulator/reset`: forget every record, fault, idempotency key, delivery and pending
 * retry, and rewind the clock; configuration (keys, webhook targets, TTL) stays.
 */
export function resetEmulator(context: EmulatorContext): void {
  context.state.clear();
  context.faults.clear();
  context.idempotency.clear();
  context.stats.clear();
  context.webhooks.cancelPending();
  context.webhooks.clearLog();
  context.clock.reset();
}
