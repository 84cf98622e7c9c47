import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY, outcomeFor, type IdempotencyEntry, type IdempotencyStore } from './idempotency-store';

export function createMemoryIdempotencyStore(lockSeconds: number, now: () => number = Date.now): IdempotencyStore {
  const entries = new Map<string, { entry: IdempotencyEntry; expiresAt: number }>();
  const pins = new Map<string, { startedAtMs: number; expiresAt: number }>();
  const slot = (tenantId: string, key: string) => `${tenantId}\u0000${key}`;
  const live = <T extends { expiresAt: number }>(map: Map<string, T>, id: string) => {
    const found = map.get(id);
    if (found && found.expiresAt <= now()) map.delete(id);
    return map.get(id);
  };

  return {
    async begin(tenantId, key, fingerprint, operationKey, nowMs) {
      const existing = live(entries, slot(tenantId, key))?.entry;
      if (existing) return outcomeFor(existing, fingerprint);
      const token = randomUUID();
      entries.set(slot(tenantId, key), { entry: { state: 'in_flight', fingerprint, token }, expiresAt: now() + lockSeconds * 1000 });
      const earlier = live(pins, slot(tenantId, operationKey));
      const pin = earlier ?? { startedAtMs: nowMs, expiresAt: now() + IDEMPOTENCY.retentionSeconds * 1000 };
      pins.set(slot(tenantId, operationKey), pin);
      return { kind: 'started', token, startedAtMs: pin.startedAtMs, resumed: earlier !== undefined };
    },
    async complete(tenantId, key, fingerprint, response) {
      entries.set(slot(tenantId, key), { entry: { state: 'done', fingerprint, response }, expiresAt: now() + IDEMPOTENCY.retentionSeconds * 1000 });
    },
    async release(tenantId, key, token, operationKey) {
      const existing = live(entries, slot(tenantId, key))?.entry;
      if (existing?.state !== 'in_flight' || existing.token !== token) return;
      entries.delete(slot(tenantId, key));
      if (operationKey) pins.delete(slot(tenantId, operationKey));
    },
  };
}
