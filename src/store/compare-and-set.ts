import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredEvent } from './event-store';

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

/** What an update that records its event with it reports (customer and portal configuration stores). */
export type AnnouncedUpdate<R> =
  { kind: 'missing' } | { kind: 'unchanged'; record: R } | { kind: 'updated'; record: R; previous: R; announced: StoredEvent };

/**
 * `compareAndSet` for a store whose every change records an event in the same write: `announce`
 * builds the event from the new and old record, `write` stores both unless the version moved
 * (1 written, -1 missing, anything else a conflict: read again).
 */
export async function compareAndSetAnnounced<R extends { version: number }>(
  what: string,
  read: () => Promise<R | undefined>,
  change: (current: R) => R | undefined,
  announce: (next: R, previous: R) => StoredEvent,
  write: (next: R, current: R, event: StoredEvent) => Promise<unknown>,
): Promise<AnnouncedUpdate<R>> {
  const result = await compareAndSet<R, StoredEvent>(what, read, change, async (next, current) => {
    const announced = announce(structuredClone(next), structuredClone(current));
    const outcome = await write(next, current, announced);
    return outcome === 1 ? { outcome: 'written', written: announced } : { outcome: outcome === -1 ? 'missing' : 'conflict' };
  });
  return result.kind === 'written' ? { kind: 'updated', record: result.record, previous: result.previous, announced: result.written } : result;
}

/**
 * The in-memory stores' version of the same update: change, bump the version, record the event,
 * all synchronously, so nothing runs in between (the Redis stores do it in one script).
 */
export function updateInMemory<R extends { version: number }>(
  records: Map<string, R>,
  id: string,
  change: (current: R) => R | undefined,
  announce: (next: R, previous: R) => StoredEvent,
  record: (event: StoredEvent) => void,
): AnnouncedUpdate<R> {
  const current = records.get(id);
  if (!current) return { kind: 'missing' };
  const next = change(structuredClone(current));
  if (!next) return { kind: 'unchanged', record: structuredClone(current) };
  const stored = { ...structuredClone(next), version: current.version + 1 };
  const announced = announce(structuredClone(stored), structuredClone(current));
  record(announced);
  records.set(id, stored);
  return { kind: 'updated', record: structuredClone(stored), previous: structuredClone(current), announced };
}
