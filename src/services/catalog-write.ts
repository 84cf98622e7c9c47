import { GatewayError } from '../errors';
import { previousAttributes } from '../stripe/objects/previous-attributes';
import type { CatalogChange, MappingStore } from '../store/mapping-store';
import type { StoredEvent } from '../store/event-store';
import type { CallContext } from './call-context';
import { applyChange, type CatalogSnapshots, type CatalogView } from './catalog-snapshots';
import type { EventPublisher } from './events/event-publisher';

/** Catalog writes that keep losing the version race give up with a retryable error rather than spin. */
const MAX_COMMIT_ATTEMPTS = 8;

/** A `product.*` / `price.*` event to record with the change (its object already rendered). */
export interface EventDraft {
  type: string;
  object: Record<string, unknown>;
  previousAttributes?: Record<string, unknown>;
}

export type PlannedWrite =
  /** Nothing to write: the answer is this object (a retry that finds its own work done, an update that changes nothing). */
  | { kind: 'answer'; object: unknown }
  | {
      kind: 'change';
      change: Pick<CatalogChange, 'prices' | 'products' | 'deletedProducts'>;
      /** The events the change causes, rendered from the catalog before and after it. */
      announce(next: CatalogView, previous: CatalogView): EventDraft[];
      /** The answer, rendered from the catalog after the change. */
      respond(next: CatalogView): unknown;
    };

export interface CatalogWriteDeps {
  mappings: MappingStore;
  snapshots: CatalogSnapshots;
  publisher: EventPublisher;
}

/** What a write answers, serialised once: the same bytes are the response and its idempotent replay. */
export interface WrittenAnswer {
  json: string;
}

/**
 * Runs one catalog write: plan it against the current catalog, then commit the change, its events
 * and the request's idempotent answer in one atomic step, conditioned on the catalog's version
 * (store `commit`). Another write landing in between makes the commit fail; the write is planned
 * again on the newer catalog (a plan that already made its Loops product keeps it: `plan` is
 * called again, not the Loops call). Events are queued for delivery once recorded; if that fails
 * the outbox drainer queues them.
 */
export async function runCatalogWrite(
  deps: CatalogWriteDeps,
  call: CallContext,
  plan: (view: CatalogView) => Promise<PlannedWrite>,
): Promise<WrittenAnswer> {
  const tenantId = call.tenant.config.id;
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const view = await deps.snapshots.current(tenantId);
    const planned = await plan(view);
    if (planned.kind === 'answer') return { json: JSON.stringify(planned.object) };
    const next = applyChange(view, planned.change);
    const events: StoredEvent[] = planned.announce(next, view).map((draft) =>
      deps.publisher.build(tenantId, {
        type: draft.type,
        object: draft.object,
        ...(draft.previousAttributes ? { previousAttributes: draft.previousAttributes } : {}),
        livemode: call.livemode,
        request: { id: call.requestId, idempotency_key: call.operation.idempotencyKey },
      }),
    );
    const json = JSON.stringify(planned.respond(next));
    const answer = call.operation.answerToStore(json);
    const committed = await deps.mappings.commit(tenantId, view.version, { ...planned.change, events, ...(answer ? { answer } : {}) });
    if (!committed) continue;
    deps.snapshots.keep(tenantId, next);
    for (const event of events) await deps.publisher.queueRecorded(tenantId, event, call.logger);
    if (answer) call.operation.answerStored();
    return { json };
  }
  call.logger.warn({ tenant: tenantId }, 'a catalog write kept losing to concurrent writes');
  throw new GatewayError('store_unavailable', 'The catalog kept changing while this request was applied; nothing was changed. Retry the request.');
}

/**
 * When an object was last changed through the API (ms): the clock, but always past the previous
 * revision, so the merge rule of `mappings load` orders two changes of one object even when the
 * clocks of two instances disagree.
 */
export function nextRevision(nowMs: number, previous: number | undefined): number {
  return Math.max(Math.floor(nowMs), (previous ?? 0) + 1);
}

/** How many prices and products one tenant's catalog may hold, so every list and search over it stays cheap. */
export const CATALOG_LIMITS = { maxPrices: 10_000, maxProducts: 10_000 } as const;

/** Refuses a create that would take the catalog past `CATALOG_LIMITS` (archived prices count: they stay). */
export function checkRoom(view: CatalogView, newPrices: number, newProducts: number): void {
  if (newPrices > 0 && view.prices.size + newPrices > CATALOG_LIMITS.maxPrices) {
    throw new GatewayError(
      'catalog_limit',
      `This account's catalog already holds ${view.prices.size} prices; the gateway keeps at most ${CATALOG_LIMITS.maxPrices} per account.`,
    );
  }
  if (newProducts > 0 && view.products.size + newProducts > CATALOG_LIMITS.maxProducts) {
    throw new GatewayError(
      'catalog_limit',
      `This account's catalog already holds ${view.products.size} products; the gateway keeps at most ${CATALOG_LIMITS.maxProducts} per account. Delete unused products first.`,
    );
  }
}

/** `metadata` of an update: `metadata=` clears it, `metadata[k]=` unsets one key (docs/stripe-checkout-contract.md §5.3). */
export function applyMetadata(
  current: Record<string, string> | undefined,
  change: '' | Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (change === undefined) return current;
  if (change === '') return {};
  const next = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (value === '') delete next[key];
    else next[key] = value;
  }
  return next;
}

/** An `*.updated` event, when the object changed (previous_attributes: the old values of what changed). */
export function updatedEvent(type: string, before: Record<string, unknown>, after: Record<string, unknown>): EventDraft[] {
  const previous = previousAttributes(before, after);
  return previous ? [{ type, object: after, previousAttributes: previous }] : [];
}
