import { randomUUID } from 'node:crypto';
import { earlierAttemptsOf, IDEMPOTENCY, outcomeFor, type IdempotencyEntry, type IdempotencyStore, type OperationRecord } from './idempotency-store';

export function createMemoryIdempotencyStore(lockSeconds: number, now: () => number = Date.now): IdempotencyStore {
  const entries = new Map<string, { entry: IdempotencyEntry; expiresAt: number }>();
  const records = new Map<string, OperationRecord & { expiresAt: number }>();
  const slot = (tenantId: string, key: string) => `${tenantId}\u0000${key}`;
  const live = <T extends { expiresAt: number }>(map: Map<string, T>, id: string) => {
    const found = map.get(id);
    if (found && found.expiresAt <= now()) map.delete(id);
    return map.get(id);
  };

  // The same steps as the Redis scripts (redis-idempotency-store.ts), on plain maps.
  return {
    async begin(tenantId, key, fingerprint, operationKey, nowMs) {
      const existing = live(entries, slot(tenantId, key))?.entry;
      if (existing) return outcomeFor(existing, fingerprint);
      const token = randomUUID();
      entries.set(slot(tenantId, key), { entry: { state: 'in_flight', fingerprint, token }, expiresAt: now() + lockSeconds * 1000 });
      const earlier = live(records, slot(tenantId, operationKey));
      const found = earlier ? { ...earlier } : undefined;
      const record = earlier ?? {
        startedAtMs: nowMs,
        runningSinceMs: nowMs,
        unresolvedUntilMs: 0,
        expiresAt: now() + IDEMPOTENCY.retentionSeconds * 1000,
      };
      record.runningSinceMs = nowMs;
      records.set(slot(tenantId, operationKey), record);
      return {
        kind: 'started',
        token,
        startedAtMs: record.startedAtMs,
        earlier: found ? earlierAttemptsOf(found, lockSeconds * 1000) : null,
        lockedUntilMs: nowMs + lockSeconds * 1000,
      };
    },
    async complete(tenantId, key, fingerprint, response) {
      entries.set(slot(tenantId, key), { entry: { state: 'done', fingerprint, response }, expiresAt: now() + IDEMPOTENCY.retentionSeconds * 1000 });
    },
    async release(tenantId, key, token, operationKey, forget) {
      const existing = live(entries, slot(tenantId, key))?.entry;
      if (existing?.state !== 'in_flight' || existing.token !== token) return;
      entries.delete(slot(tenantId, key));
      const record = live(records, slot(tenantId, operationKey));
      if (!record) return;
      if (forget && record.unresolvedUntilMs === 0) records.delete(slot(tenantId, operationKey));
      else record.runningSinceMs = 0;
    },
    async noteUnresolved(tenantId, operationKey, untilMs) {
      const record = live(records, slot(tenantId, operationKey));
      if (!record) return false;
      record.unresolvedUntilMs = Math.max(record.unresolvedUntilMs, Math.ceil(untilMs));
      return true;
    },
  };
}
