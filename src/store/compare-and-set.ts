import { setTimeout as sleep } from 'node:timers/promises';

/** Writers that lose a compare-and-set back off with jitter, so even a burst of them all lands. */
const MAX_CAS_ATTEMPTS = 40;
const casBackoffMs = (attempt: number) => Math.random() * Math.min(2 * attempt, 20);

export type CasOutcome<R, W> = { kind: 'missing' } | { kind: 'unchanged'; record: R } | { kind: 'written'; record: R; previous: R; written: W };

/**
 * Read, change, write-if-unchanged, retried while another writer got there first: the loop of
 * every versioned record's update. `write` answers 'conflict' when the stored version is no longer
 * the one read (the record is then read again), 'missing' when the record is gone.
 */
export async function compareAndSet<R extends { version: number }, W>(
  what: string,
  read: () => Promise<R | undefined>,
  change: (current: R) => R | undefined,
  write: (next: R, current: R) => Promise<{ outcome: 'written'; written: W } | { outcome: 'missing' | 'conflict' }>,
): Promise<CasOutcome<R, W>> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await read();
    if (!current) return { kind: 'missing' };
    const next = change(structuredClone(current));
    if (!next) return { kind: 'unchanged', record: current };
    const stored = { ...next, version: current.version + 1 };
    const result = await write(stored, current);
    if (result.outcome === 'written') return { kind: 'written', record: stored, previous: current, written: result.written };
    if (result.outcome === 'missing') return { kind: 'missing' };
    await sleep(casBackoffMs(attempt));
  }
  throw new Error(`${what} kept changing under ${MAX_CAS_ATTEMPTS} concurrent updates`);
}
