import { scopedLogger, type Logger } from '../observability/logger';

export interface Periodic {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once, logging (not throwing) failures: a
 * Redis or Loops outage makes a run fail, and the next run simply tries again. `stop` aborts the
 * signal a run is given, so a long run (the expiry sweep working through a backlog) ends between
 * two steps instead of holding up shutdown. A run logs through the logger it is given, which names
 * the run on every line.
 */
export function startPeriodic(
  name: string,
  intervalMs: number,
  task: (signal: AbortSignal, logger: Logger) => Promise<unknown>,
  logger: Logger,
): Periodic {
  let running: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();
  let runs = 0;
  // Each run gets an id of its own (task_outbox-drainer_12), so its log lines group like a request's.
  const idPrefix = `task_${name.replace(/[^a-z0-9]+/gi, '-')}_`;
  const tick = () => {
    if (running || stopped) return;
    runs += 1;
    const runLogger = scopedLogger(logger, { requestId: `${idPrefix}${runs}` });
    running = task(stopping.signal, runLogger)
      .then(
        () => undefined,
        (error: unknown) => runLogger.warn({ task: name, err: (error as Error).message }, 'background task failed; will retry'),
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
