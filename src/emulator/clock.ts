/**
 * The emulator's clock: real time plus an offset that `POST /_emulator/clock` moves forward, so
 * tests can reach an `expires_at` (loops-api.md §2, §6) without waiting an hour.
 */
export class Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000);
export const toIso = (ms: number): string => new Date(ms).toISOString();
