import { randomUUID } from 'node:crypto';
import { IDEMPOTENCY, outcomeFor, type IdempotencyEntry, type IdempotencyStore } from './idempotency-store';

export function createMemoryIdempotencyStore(now: () => number = Date.now): IdempotencyStore {
  const entries = new Map<string, { entry: IdempotencyEntry; expiresAt: number }>();
  const pins = new Map<string, { value: string; expiresAt: number }>();
  const id = (tenantId: string, key: string) => `${tenantId}\u0000${key}`;
  const read = (slot: string) => {
    const found = entries.get(slot);
    if (found && found.expiresAt <= now()) entries.delete(slot);
    return entries.get(slot)?.entry;
  };

  return {
    async begin(tenantId, key, fingerprint) {
      const slot = id(tenantId, key);
      const existing = read(slot);
      if (existing) return outcomeFor(existing, fingerprint);
      const token = randomUUID();
      entries.set(slot, { entry: { state: 'in_flight', fingerprint, token }, expiresAt: now() + IDEMPOTENCY.lockSeconds * 1000 });
      return { kind: 'started', token };
    },
    async complete(tenantId, key, fingerprint, response) {
      entries.set(id(tenantId, key), { entry: { state: 'done', fingerprint, response }, expiresAt: now() + IDEMPOTENCY.retentionSeconds * 1000 });
    },
    async pin(tenantId, operationKey, value) {
      const slot = id(tenantId, operationKey);
      const found = pins.get(slot);
      if (found && found.expiresAt > now()) return found.value;
      pins.set(slot, { value, expiresAt: now() + IDEMPOTENCY.retentionSeconds * 1000 });
      return value;
    },
    async release(tenantId, key, token) {
      const slot = id(tenantId, key);
      const existing = read(slot);
      if (existing?.state === 'in_flight' && existing.token === token) entries.delete(slot);
    },
  };
}
