/**
 * Sleeps that `close()` can cut short. Fault latency and webhook retries wait on timers; jest
 * must see no open handle after `close()`, so every timer is tracked here.
 */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /** Resolves after `ms`, or at once when the emulator closes (callers check `isClosed`). */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  /** Runs `task` after `ms` unless cancelled first. */
  schedule(ms: number, task: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      task();
    }, ms);
    this.pending.set(timer, () => undefined);
  }

  /** Cancels every pending timer; sleepers wake up early. */
  cancelAll(): void {
    for (const [timer, wake] of this.pending) {
      clearTimeout(timer);
      wake();
    }
    this.pending.clear();
  }

  close(): void {
    this.closed = true;
    this.cancelAll();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
