/**
 * The emulator's clock: real time plus an offset that the test clock (`POST /_emulator/clock/advance`,
 * due-work.ts) moves forward, so tests can reach an `expires_at` (docs/loops-contract.md §2, §6) or a
 * renewal (§8.5) without waiting. It never moves back.
 */
export class Clock {
  private offset = 0;

  nowMs(): number {
    return Date.now() + this.offset;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  offsetSeconds(): number {
    return this.offset / 1000;
  }

  offsetMs(): number {
    return this.offset;
  }

  /** Moves the clock forward so that now is at least `ms` (never back). */
  advanceTo(ms: number): void {
    this.offset += Math.max(0, ms - this.nowMs());
  }

  /** Raises the offset to `offsetMs` if it is below it (never back). */
  raiseOffsetTo(offsetMs: number): void {
    this.offset = Math.max(this.offset, offsetMs);
  }

  reset(): void {
    this.offset = 0;
  }
}

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000);
export const toIso = (ms: number): string => new Date(ms).toISOString();
