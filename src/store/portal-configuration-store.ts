import type { AnnouncedUpdate } from './compare-and-set';
import type { StoredEvent } from './event-store';
import type { ListPage, ListQuery } from './list-scan';
import type { PortalConfigurationRecord } from './portal-configuration-record';
import type { IdempotentAnswer } from './session-store';

export { UnknownCursorError } from './list-scan';

export type PortalConfigurationInsertResult =
  | { kind: 'created'; record: PortalConfigurationRecord }
  /** The id was taken already: the same operation ran before (ids derive from the operation), or the default exists. */
  | { kind: 'exists'; record: PortalConfigurationRecord };

export type PortalConfigurationUpdateResult = AnnouncedUpdate<PortalConfigurationRecord>;

/**
 * Billing portal configurations per tenant, newest first. Every write that a merchant makes records
 * its `billing_portal.configuration.*` event in the same atomic step; updates compare-and-set, so
 * concurrent writers all land. A configuration is never deleted (Stripe has no delete).
 */
export interface PortalConfigurationStore {
  /** A new configuration if its id is free, with its event (none for the default the gateway makes) and, when given, the idempotent answer. */
  insert(record: PortalConfigurationRecord, event?: StoredEvent, answer?: IdempotentAnswer): Promise<PortalConfigurationInsertResult>;
  get(tenantId: string, id: string): Promise<PortalConfigurationRecord | undefined>;
  update(
    tenantId: string,
    id: string,
    change: (current: PortalConfigurationRecord) => PortalConfigurationRecord | undefined,
    announce: (next: PortalConfigurationRecord, previous: PortalConfigurationRecord) => StoredEvent,
  ): Promise<PortalConfigurationUpdateResult>;
  /** Stripe cursor pagination over the tenant's configurations, newest first (list-scan.ts). */
  list(tenantId: string, query: ListQuery<PortalConfigurationRecord>): Promise<ListPage<PortalConfigurationRecord>>;
}
