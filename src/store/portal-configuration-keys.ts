/**
 * The Redis keys of billing portal configurations. They carry the tenant's hash tag exactly as
 * keys.ts builds it (`<prefix>:{<tenant>}:…`), so a configuration, its index and the event
 * recorded with it share a Redis Cluster slot and one Lua script may write them all. Ids are
 * checked (`bpc_…`, portal-configuration-record.ts) before they get here.
 */
export function portalConfigurationKeys(prefix: string, tenantId: string) {
  const base = `${prefix}:{${tenantId}}`;
  return {
    configuration: (id: string) => `${base}:portal-configuration:${id}`,
    /** Every configuration of the tenant by creation time (ms). */
    configurations: `${base}:portal-configurations`,
  };
}

export type PortalConfigurationKeys = ReturnType<typeof portalConfigurationKeys>;
