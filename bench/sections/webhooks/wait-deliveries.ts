import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedChild } from '../../harness';
import type { ReceiverStats } from './receiver-api';
import type { WebhookReceiver } from './receiver-process';

const POLL_MS = 100;
const PROGRESS_MS = 5_000;

/**
 * Polls the receiver until `count` distinct sessions have a verified completed delivery or the
 * deadline passes (then the shortfall is reported as lost, not thrown). Fails at once if the
 * gateway exits: nothing more can arrive.
 */
export async function waitForDeliveries(
  receiver: WebhookReceiver,
  gateway: ManagedChild | undefined,
  count: number,
  deadline: number,
  log: (message: string) => void,
): Promise<{ stats: ReceiverStats; complete: boolean; at: number }> {
  let nextProgress = Date.now() + PROGRESS_MS;
  for (;;) {
    const stats = await receiver.stats();
    if (stats.completedSessions >= count) return { stats, complete: true, at: Date.now() };
    if (gateway && (gateway.process.exitCode !== null || gateway.process.signalCode !== null)) {
      throw new Error(
        `the gateway exited (${gateway.process.exitCode ?? gateway.process.signalCode}) with deliveries outstanding:\n${gateway.output()}`,
      );
    }
    if (Date.now() >= deadline) return { stats, complete: false, at: Date.now() };
    if (Date.now() >= nextProgress) {
      log(`  … ${stats.completedSessions.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} delivered`);
      nextProgress += PROGRESS_MS;
    }
    await sleep(POLL_MS);
  }
}
