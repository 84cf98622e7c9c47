import type { Logger } from '../observability/logger';
import { requestContext } from '../observability/request-context';

export interface Periodic {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once, logging (not throwing) failures: a
 * Redis or Loops outage makes a run fail, and the next run simply tries again. `stop` aborts the
 * signal a run is given, so a long run (the expiry sweep working through a backlog) ends between
 * two steps instead of holding up shutdown.
 */
export function startPeriodic(name: string, intervalMs: number, task: (signal: AbortSignal) => Promise<unknown>, logger: Logger): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();
  let runs = 0;
  // Each run gets an id of its own (task_outbox-drainer_12), so its log lines group like a request's.
  const idPrefix = `task_${name.replace(/[^a-z0-9]+/gi, '-')}_`;
  const tick = () => {
    if (running || stopped) return;
    runs += 1;
    // The failure is logged inside the run too: a reaction attached outside it has no context.
    running = requestContext
      .run({ requestId: `${idPrefix}${runs}` }, () =>
        task(stopping.signal).then(
          () => undefined,
          (error: unknown) => logger.warn({ task: name, err: (error as Error).message }, 'background task failed; will retry'),
        ),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      stopping.abort();
      clearInterval(timer);
      await running;
    },
  };
}
