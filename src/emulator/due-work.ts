import type { EmulatorContext } from './context';
import type { LoopsEvent } from './events';
import { expireIfDue } from './session-lifecycle';
import { nextActionMs, runSubscriptionAction } from './subscription-lifecycle';

/**
 * Everything that happens because time passes (docs/loops-contract.md §6, §8.5): session expiries, trial
 * ends, renewals, renewal retries and period-end cancellations. One runner serves the periodic
 * sweep (expiry.ts), reads, and the test clock, so they all do the same work in the same order.
 */

interface DueItem {
  atMs: number;
  run(): void;
}

export interface DueWorkReport {
  /** Events sent, in the order sent (time order). */
  events: LoopsEvent[];
  /** Sessions that expired. */
  expired: number;
  /** Settles when every target's first delivery attempt of those events is done. */
  firstAttempts: Promise<void>;
}

/**
 * Runs, earliest first, every item due at or before `untilMs`, moving the clock forward to each
 * item's time before running it, so its webhooks, charges and timestamps carry that time. An item
 * re-enters the queue with its next time (a renewal's next period end), which may fall due in the
 * same run; every run moves an item's time forward or ends it, so the loop ends.
 */
export function runDueWork(context: EmulatorContext, untilMs: number): DueWorkReport {
  const { events, firstAttempts } = context.webhooks.capture(() => {
    for (let item = earliestDue(context, untilMs); item; item = earliestDue(context, untilMs)) {
      context.clock.advanceTo(item.atMs);
      item.run();
    }
  });
  return { events, expired: events.filter((event) => event.type === 'checkout.session.expired').length, firstAttempts };
}

/** Due work up to the clock's now: the sweep, and reads that must see a state time has changed. */
export const runDueWorkNow = (context: EmulatorContext): DueWorkReport => runDueWork(context, context.clock.nowMs());

/**
 * The test clock (§8.5): moves the emulator's time forward by exactly `seconds`, running what falls
 * due on the way. The clock ends `seconds` later than it started (plus the real time the run took).
 */
export function advanceClock(context: EmulatorContext, seconds: number): DueWorkReport {
  const targetOffsetMs = context.clock.offsetMs() + seconds * 1000;
  const report = runDueWork(context, context.clock.nowMs() + seconds * 1000);
  context.clock.raiseOffsetTo(targetOffsetMs);
  return report;
}

/** The earliest due item; ties go to sessions, then to the older record. */
function earliestDue(context: EmulatorContext, untilMs: number): DueItem | undefined {
  let best: DueItem | undefined;
  for (const session of context.state.sessions.values()) {
    if (session.status !== 'open' || session.expiresMs > untilMs || (best && session.expiresMs >= best.atMs)) continue;
    best = { atMs: session.expiresMs, run: () => expireIfDue(context, session) };
  }
  for (const subscription of context.state.subscriptions.values()) {
    const atMs = nextActionMs(subscription);
    if (atMs === null || atMs > untilMs || (best && atMs >= best.atMs)) continue;
    best = { atMs, run: () => runSubscriptionAction(context, subscription) };
  }
  return best;
}
